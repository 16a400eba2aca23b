/// `LayerNorm(x + bias + residual)` in one kernel (ONNX Runtime's SkipLayerNormalization):
/// the bias add and the residual add never round-trip through memory. The residual add is
/// commutative, so the biased branch may be either of its inputs.
struct FuseSkipLayerNormPass: FusionPass {
    var name: String { "fuse-skip-layernorm" }
    var rules: [FusionRule] { [Self.rule] }

    static let rule = FusionRule(
        name: "skip_layernorm",
        pattern: .op(.layerNorm, [
            .op(.add, [.op(.biasAdd, [.any("x"), .any("bias")], capture: "biased", soleUse: true), .any("residual")], soleUse: true),
            .any("gamma"), .any("beta"),
        ]),
        accept: { _, m in m["biased"] != m["residual"] },
        rewrite: { graph, root, m in
            graph[root].kind = .skipLayerNorm
            graph[root].inputs = [m["x"], m["residual"], m["bias"], m["gamma"], m["beta"]]
            return []
        })
}
