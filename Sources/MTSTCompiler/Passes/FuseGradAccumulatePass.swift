/// Lets the op that computes a parameter's gradient add it straight into the gradient buffer —
/// the weight-gradient GEMM with beta = 1, the bias gradient's column sums, the embedding
/// gradient's scatter (which then never materialises a dense vocabulary-sized zero matrix) —
/// instead of writing an arena slot that `gradAccumulate` then adds. Saves a pass over every
/// gradient and the arena space they took. Which ops can is the op table's
/// `canAccumulateIntoGradient`.
struct FuseGradAccumulatePass: FusionPass {
    var name: String { "fuse-grad-accumulate" }
    var rules: [FusionRule] { [Self.rule] }

    static let rule = FusionRule(
        name: "grad_accumulate",
        pattern: .op(.gradAccumulate, [
            .node(capture: "source", soleUse: true, when: { $0.kind.def.canAccumulateIntoGradient && $0.accumulatesInto == nil }),
        ]),
        rewrite: { graph, root, m in
            graph[m["source"].node].accumulatesInto = graph[root].attrs.param
            return [root]
        })
}
