/// Lets the op that computes a parameter's gradient add it straight into the gradient buffer —
/// the weight-gradient GEMM with beta = 1, the bias gradient's column sums, the embedding
/// gradient's scatter (which then never materialises a dense vocabulary-sized zero matrix) —
/// instead of writing an arena slot that `gradAccumulate` then adds. Saves a pass over every
/// gradient and the arena space they took.
struct FuseGradAccumulatePass: FusionPass {
    var fusion: String { "grad_accumulate" }
    var name: String { "fuse-grad-accumulate" }
    static let fusable: Set<OpKind> = [.matmul, .sumRows, .embeddingGrad, .layerNormGammaGrad]

    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        let matcher = FusionMatcher(graph)
        var keep = Array(repeating: true, count: graph.nodes.count)
        for id in graph.nodes.indices where graph[id].kind == .gradAccumulate {
            let source = graph[id].inputs[0]
            guard Self.fusable.contains(graph[source].kind), matcher.soleUse(source), !graph[source].attrs.accumulatesGrad else { continue }
            graph[source].attrs.accumulatesGrad = true
            graph[source].attrs.param = graph[id].attrs.param
            keep[id] = false
            context.count(fusion)
        }
        let live = graph.live()
        graph = graph.compacted(keeping: zip(keep, live).map { $0 && $1 })
    }
}
