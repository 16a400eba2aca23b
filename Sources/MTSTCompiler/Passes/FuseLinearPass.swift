/// `x·Wᵀ + b` as one GEMM that accumulates onto the broadcast bias, instead of a GEMM and a
/// separate pass over its output.
struct FuseLinearPass: FusionPass {
    var name: String { "fuse-linear" }
    var rules: [FusionRule] { [Self.rule] }

    static let rule = FusionRule(
        name: "linear",
        pattern: .op(.biasAdd, [dense(x: "x", weight: "weight"), .param("bias")]),
        rewrite: { graph, root, m in
            graph[root].kind = .linear
            graph[root].inputs = [m["x"], m["weight"], m["bias"]]
            return []
        })

    /// `matmul(x, W, transB)` with W a parameter, read only by the bias add above it.
    static func dense(x: String, weight: String) -> Pattern {
        .op(.matmul, [.any(x), .param(weight)], soleUse: true, when: { $0.attrs.matmul.map { !$0.transA && $0.transB } ?? false })
    }
}
