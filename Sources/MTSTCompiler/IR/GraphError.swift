/// Thrown by a shape rule; `Graph.add` turns it into a `GraphError` naming the node.
public struct ShapeRuleError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

public enum GraphError: UserFacingError {
    /// `origin` is the spec key that produced the node; the compiler driver maps it to file:line:col.
    case shape(node: String, op: OpKind, origin: String, message: String)
    case gradient(node: String, op: OpKind, message: String)

    public var description: String {
        switch self {
        case let .shape(node, op, origin, message):
            "\(origin.isEmpty ? "" : origin + ": ")[\(op.rawValue)] \(node): \(message)"
        case let .gradient(node, op, message):
            "[\(op.rawValue)] \(node): cannot differentiate: \(message)"
        }
    }

    public var origin: String {
        if case let .shape(_, _, origin, _) = self { return origin }
        return ""
    }
}
