/// `gelu(x + bias)` in one pass over memory instead of two (ONNX Runtime's BiasGelu).
struct FuseBiasGeluPass: Pass {
    var name: String { "fuse-bias-gelu" }
    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        try FusionPass(name: name, rules: [Self.rule]).run(&graph, &context)
    }

    static let rule = FusionRule(
        name: "bias_gelu",
        pattern: .op(.gelu, [.op(.biasAdd, [.any("x"), .any("bias")], soleUse: true)]),
        rewrite: { graph, root, m in
            graph[root].kind = .biasGelu
            graph[root].inputs = [m["x"], m["bias"]]
            return []
        })
}
