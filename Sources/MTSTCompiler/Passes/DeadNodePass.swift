/// Removes nodes that no output and no side effect depends on (for example the gradient of a
/// frozen weight, or a head's logits nobody reads).
struct DeadNodePass: Pass {
    var name: String { "dead-nodes" }
    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        graph = graph.compacted(keeping: graph.live())
    }
}
