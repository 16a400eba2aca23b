import MTSTKernels

/// Rewrites the backbone's linear layers of a fused inference program into `int8Linear`
/// (`compile --quantize int8`). Runs after the fusion passes, on the quantized inference
/// program only: the fp32 inference program and the training programs never see it.
///
/// - `linear(x, W, b)` (the packed QKV GEMM, any other fused linear) → epilogue `bias`;
/// - `biasGelu(matmul(x, W), b)` (the intermediate dense) → epilogue `bias_gelu`, absorbing the GELU;
/// - `skipLayerNorm(matmul(x, W), residual, b, γ, β)` (the attention and FFN outputs) → the
///   matmul becomes an `int8Linear` with epilogue `none`; skip-LayerNorm still adds bias and residual.
///
/// Attention products, softmax, LayerNorm, pooling, embeddings and the heads stay fp32: only
/// weights of backbone layers (`ParamEntry.layer` set, not a head) are quantized. A layer named
/// in `keepFP32` (the accuracy guard's fallbacks) is left as it is.
struct QuantizePass: FusionPass {
    var name: String { "quantize" }
    /// Linear layers to leave in fp32, by `QuantizePass.layerName` (`backbone.layers[3].attention.qkv`).
    var keepFP32: Set<String>

    init(keepFP32: Set<String> = []) { self.keepFP32 = keepFP32 }

    var rules: [FusionRule] {
        let keep = keepFP32
        @Sendable func eligible(_ graph: Graph, _ m: Bindings) -> Bool {
            guard let p = m.node("weight", in: graph).attrs.param else { return false }
            return Self.quantizable(graph.params[p]) && !keep.contains(Self.layerName(graph.params[p].path))
        }
        return [
            FusionRule(name: "int8_bias",
                       pattern: .op(.linear, [.any("x"), .param("weight"), .any("bias")]),
                       accept: eligible,
                       rewrite: { graph, root, m in
                           Self.rewrite(&graph, root, inputs: [m["x"], m["weight"], m["bias"]], .bias, m)
                           return []
                       }),
            FusionRule(name: "int8_bias_gelu",
                       pattern: .op(.biasGelu, [FuseLinearPass.dense(x: "x", weight: "weight"), .any("bias")]),
                       accept: eligible,
                       rewrite: { graph, root, m in
                           Self.rewrite(&graph, root, inputs: [m["x"], m["weight"], m["bias"]], .biasGelu, m)
                           return []
                       }),
            FusionRule(name: "int8_none",
                       pattern: .op(.skipLayerNorm, [
                           .op(.matmul, [.any("x"), .param("weight")], capture: "product", soleUse: true,
                               when: { $0.attrs.matmul.map { !$0.transA && $0.transB } ?? false }),
                           .any("residual"), .any("bias"), .any("gamma"), .any("beta"),
                       ]),
                       accept: eligible,
                       rewrite: { graph, _, m in
                           Self.rewrite(&graph, m["product"].node, inputs: [m["x"], m["weight"]], .none, m)
                           return []
                       }),
        ]
    }

    /// Turns `node` into the int8 GEMM, named after its layer; its output shape is unchanged.
    private static func rewrite(_ graph: inout Graph, _ node: NodeID, inputs: [ValueRef], _ epilogue: Int8Epilogue, _ m: Bindings) {
        let weight = graph.params[m.node("weight", in: graph).attrs.param!]
        graph[node].kind = .int8Linear
        graph[node].inputs = inputs
        graph[node].attrs = .int8Linear(epilogue: epilogue)
        graph[node].name = layerName(weight.path) + ".int8"
    }

    /// Backbone layer weights `[out, in]`; never embeddings or heads.
    static func quantizable(_ p: ParamEntry) -> Bool {
        p.layer != nil && !p.isHead && !p.isEmbedding && p.shape.count == 2
    }

    /// A linear layer's name in reports and in `keepFP32`: its weight's path without `.weight`.
    static func layerName(_ weightPath: String) -> String {
        weightPath.hasSuffix(".weight") ? String(weightPath.dropLast(".weight".count)) : weightPath
    }
}
