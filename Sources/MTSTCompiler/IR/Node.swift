public typealias NodeID = Int

/// Which part of a step a node belongs to; used for dumps, profiles and counting.
public enum Phase: String, Codable, Sendable {
    case forward, backward
}

/// One operation with a single output tensor.
public struct Node: Codable, Sendable {
    public var id: NodeID
    public var kind: OpKind
    public var inputs: [NodeID]
    public var attrs: Attributes
    public var shape: Shape
    /// Human path, e.g. `backbone.layers[2].attention.probs`.
    public var name: String
    /// The spec key that produced this node (`heads.slots`), for error messages.
    public var origin: String
    public var phase: Phase

    /// Writes somewhere other than its own value (a parameter's gradient, weights, moments).
    public var hasSideEffects: Bool { kind.def.hasSideEffects || attrs.accumulatesGrad }

    public init(id: NodeID, kind: OpKind, inputs: [NodeID], attrs: Attributes = Attributes(),
                shape: Shape = .none, name: String, origin: String = "", phase: Phase = .forward) {
        self.id = id
        self.kind = kind
        self.inputs = inputs
        self.attrs = attrs
        self.shape = shape
        self.name = name
        self.origin = origin
        self.phase = phase
    }
}
