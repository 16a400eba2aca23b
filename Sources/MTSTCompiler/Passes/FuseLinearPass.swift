/// `x·Wᵀ + b` as one GEMM that accumulates onto the broadcast bias, instead of a GEMM and a
/// separate pass over its output.
struct FuseLinearPass: FusionPass {
    var fusion: String { "linear" }
    var name: String { "fuse-linear" }
    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        let matcher = FusionMatcher(graph)
        for id in graph.nodes.indices {
            guard let d = matcher.dense(id) else { continue }
            graph[id].kind = .linear
            graph[id].inputs = [d.x, d.weight, d.b]
            context.count(fusion)
        }
        graph = graph.compacted(keeping: graph.live())
    }
}
