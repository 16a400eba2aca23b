public typealias NodeID = Int

/// Which part of a step a node belongs to; used for dumps, profiles and counting.
public enum Phase: String, Codable, Sendable {
    case forward, backward
}

/// One output of a node. Most ops have one; LayerNorm also outputs its row statistics.
/// Encoded as the bare node id for output 0 and `[node, output]` otherwise, so plans stay
/// compact and an integer literal still names a node's first output.
public struct ValueRef: Hashable, Sendable, Codable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public var node: NodeID
    public var output: Int

    public init(_ node: NodeID, output: Int = 0) {
        self.node = node
        self.output = output
    }

    public init(integerLiteral value: Int) { self.init(value) }

    public init(from decoder: any Decoder) throws {
        if let id = try? decoder.singleValueContainer().decode(Int.self) {
            self.init(id)
            return
        }
        var c = try decoder.unkeyedContainer()
        let node = try c.decode(Int.self)
        self.init(node, output: try c.decode(Int.self))
    }

    public func encode(to encoder: any Encoder) throws {
        if output == 0 {
            var c = encoder.singleValueContainer()
            try c.encode(node)
        } else {
            var c = encoder.unkeyedContainer()
            try c.encode(node)
            try c.encode(output)
        }
    }

    public var description: String { output == 0 ? "%\(node)" : "%\(node).\(output)" }
}

/// One operation with one or more output tensors.
public struct Node: Codable, Sendable {
    public var id: NodeID
    public var kind: OpKind
    public var inputs: [ValueRef]
    public var attrs: Attributes
    /// Shape of output 0.
    public var shape: Shape
    /// Shapes of outputs 1, 2, … (empty for single-output ops).
    public var extraShapes: [Shape] = []
    /// Set by `FuseGradAccumulatePass`: the node adds its value into the gradient buffer of
    /// this parameter (a weight gradient GEMM with beta = 1, a bias gradient's column sums, an
    /// embedding gradient's scatter) instead of writing an arena slot.
    public var accumulatesInto: Int?
    /// Human path, e.g. `backbone.layers[2].attention.probs`.
    public var name: String
    /// The spec key that produced this node (`heads.slots`), for error messages.
    public var origin: String
    public var phase: Phase

    /// Writes somewhere other than its own value (a parameter's gradient, weights, moments).
    public var hasSideEffects: Bool { kind.def.hasSideEffects || accumulatesInto != nil }

    public var outputCount: Int { 1 + extraShapes.count }
    public func shape(of output: Int) -> Shape { output == 0 ? shape : extraShapes[output - 1] }

    /// The parameter the node reads or writes: its own attribute, or the gradient it accumulates into.
    public var param: Int? { accumulatesInto ?? attrs.param }

    public init(id: NodeID, kind: OpKind, inputs: [ValueRef], attrs: Attributes = .none,
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
