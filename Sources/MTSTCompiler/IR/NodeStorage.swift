/// Where a node's value lives: the one rule `Executor` resolves pointers by and the verifier
/// checks storage by.
public enum NodeStorage: Equatable, Sendable {
    /// A parameter, gradient or optimizer-state buffer of the parameter store.
    case store
    /// Adds into a parameter's gradient buffer; has no value of its own.
    case gradient
    /// An effect only (an optimizer update): no value.
    case none
    case arena

    public static func of(_ node: Node) -> NodeStorage {
        switch node.kind {
        case .param, .gradient, .paramState: .store
        case .gradAccumulate: .gradient
        default: node.attrs.accumulatesGrad ? .gradient : node.shape.isNone ? .none : .arena
        }
    }
}
