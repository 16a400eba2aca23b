/// `gelu(x + bias)` in one pass over memory instead of two (ONNX Runtime's BiasGelu).
struct FuseBiasGeluPass: FusionPass {
    var fusion: String { "bias_gelu" }
    var name: String { "fuse-bias-gelu" }
    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        let matcher = FusionMatcher(graph)
        for id in graph.nodes.indices where graph[id].kind == .gelu {
            let b = graph[graph[id].inputs[0]]
            guard b.kind == .biasAdd, matcher.soleUse(b.id) else { continue }
            graph[id].kind = .biasGelu
            graph[id].inputs = b.inputs
            context.count(fusion)
        }
        graph = graph.compacted(keeping: graph.live())
    }
}
