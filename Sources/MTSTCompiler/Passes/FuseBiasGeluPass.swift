/// `gelu(x + bias)` in one pass over memory instead of two (ONNX Runtime's BiasGelu).
struct FuseBiasGeluPass: FusionPass {
    var name: String { "fuse-bias-gelu" }
    var rules: [FusionRule] { [Self.rule] }

    static let rule = FusionRule(
        name: "bias_gelu",
        pattern: .op(.gelu, [.op(.biasAdd, [.any("x"), .any("bias")], soleUse: true)]),
        rewrite: { graph, root, m in
            graph[root].kind = .biasGelu
            graph[root].inputs = [m["x"], m["bias"]]
            return []
        })
}
