/// Re-derives every node's shape from its inputs and checks the graph is topologically ordered,
/// so a pass that rewired something wrongly fails here, naming the node.
struct ShapeCheckPass: Pass {
    var name: String { "shape-check" }
    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        for node in graph.nodes {
            for input in node.inputs where input.node >= node.id {
                throw GraphError.shape(node: node.name, op: node.kind, origin: node.origin,
                                       message: "input \(input) is not computed before node \(node.id)")
            }
            let (shape, extra) = try graph.inferShapes(of: node)
            guard shape == node.shape, extra == node.extraShapes else {
                throw GraphError.shape(node: node.name, op: node.kind, origin: node.origin,
                                       message: "recorded shape \(node.shape) but inputs give \(shape)")
            }
        }
    }
}
