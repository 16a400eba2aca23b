/// A value together with the YAML that produced it, so later stages (graph lowering,
/// runtime file loading) can point their own errors at the user's spec.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation
    /// Dotted key path of the value, e.g. `backbone.weights` or `optimizer.rules[2].params[0]`.
    public var keyPath: String

    public init(_ value: Value, at location: SourceLocation, keyPath: String = "") {
        self.value = value
        self.location = location
        self.keyPath = keyPath
    }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}
extension Located: Codable where Value: Codable {}
