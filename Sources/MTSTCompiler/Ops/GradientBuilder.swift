/// What gradient rules use to add backward nodes to the graph being differentiated.
public struct GradientBuilder {
    public var graph: Graph
    /// Name prefix for the nodes of the rule being applied.
    var current = ""

    init(graph: Graph) { self.graph = graph }

    public mutating func add(_ kind: OpKind, _ inputs: [ValueRef], attrs: Attributes = .none, _ suffix: String) throws -> ValueRef {
        ValueRef(try graph.add(kind, values: inputs, attrs: attrs, name: "\(current).\(suffix)", phase: .backward))
    }

    public func shape(_ value: ValueRef) -> Shape { graph.shape(of: value) }
}
