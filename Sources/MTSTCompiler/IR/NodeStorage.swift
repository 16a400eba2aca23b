/// Where a node's value lives: the one rule `Executor` resolves pointers by and the verifier
/// checks storage by. Follows from the op table's `storage` and the node's `accumulatesInto`.
public enum NodeStorage: Equatable, Sendable {
    /// A parameter, gradient or optimizer-state buffer of the parameter store.
    case store(StoreBuffer)
    /// Adds into a parameter's gradient buffer; has no value of its own.
    case gradient
    /// An effect only (an optimizer update): no value.
    case none
    case arena

    public static func of(_ node: Node) -> NodeStorage {
        if node.accumulatesInto != nil { return .gradient }
        switch node.kind.def.storage {
        case .store(let buffer): return .store(buffer)
        case .gradientBuffer: return .gradient
        case .arena: return node.shape.isNone ? .none : .arena
        }
    }

    public var isStore: Bool { if case .store = self { true } else { false } }
}
