/// `LayerNorm(x + bias + residual)` in one kernel (ONNX Runtime's SkipLayerNormalization):
/// the bias add and the residual add never round-trip through memory.
struct FuseSkipLayerNormPass: FusionPass {
    var fusion: String { "skip_layernorm" }
    var name: String { "fuse-skip-layernorm" }
    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        let matcher = FusionMatcher(graph)
        for id in graph.nodes.indices where graph[id].kind == .layerNorm {
            let sum = graph[graph[id].inputs[0]]
            guard sum.kind == .add, matcher.soleUse(sum.id) else { continue }
            let sides = [(sum.inputs[0], sum.inputs[1]), (sum.inputs[1], sum.inputs[0])]
            guard let (biased, residual) = sides.first(where: {
                graph[$0.0].kind == .biasAdd && matcher.soleUse($0.0) && $0.0 != $0.1
            }) else { continue }
            let b = graph[biased]
            graph[id].kind = .skipLayerNorm
            graph[id].inputs = [b.inputs[0], residual, b.inputs[1], graph[id].inputs[1], graph[id].inputs[2]]
            context.count(fusion)
        }
        graph = graph.compacted(keeping: graph.live())
    }
}
