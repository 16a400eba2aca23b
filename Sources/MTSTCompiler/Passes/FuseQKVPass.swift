/// Packs the query, key and value projections of each attention block into one GEMM over
/// weights `[3·H, H]` (ONNX Runtime's packed Attention). The three original parameters become
/// row slices of the packed one, so loading and saving by Hugging Face names is unchanged.
struct FuseQKVPass: FusionPass {
    var name: String { "fuse-qkv" }
    var rules: [FusionRule] { [Self.rule] }

    /// `biasAdd(matmul(x, W, transB), b)`, read only by the attention, for Q, K or V.
    private static func projection(_ part: String) -> Pattern {
        .op(.biasAdd, [FuseLinearPass.dense(x: "x", weight: "w\(part)"), .param("b\(part)")], capture: part, soleUse: true)
    }

    /// With or without a relative position bias table as fourth input (MPNet).
    private static let probs = Pattern.oneOf([
        .op(.attentionProbs, [projection("q"), projection("k"), .any("mask")], capture: "probs"),
        .op(.attentionProbs, [projection("q"), projection("k"), .any("mask"), .any("bias")], capture: "probs"),
    ])

    static let rule = FusionRule(
        name: "qkv",
        // The probabilities may pass through attention dropout before the context.
        pattern: .op(.attentionContext, [.oneOf([.op(.dropout, [probs]), probs]), projection("v")]),
        accept: { graph, m in
            m["q"] != m["k"] && sameSettings(graph, ["wq", "wk", "wv"].map { m.node($0, in: graph).attrs.param })
                && sameSettings(graph, ["bq", "bk", "bv"].map { m.node($0, in: graph).attrs.param })
        },
        rewrite: { graph, root, m in
            let weights = ["wq", "wk", "wv"].compactMap { m.node($0, in: graph).attrs.param }
            let biases = ["bq", "bk", "bv"].compactMap { m.node($0, in: graph).attrs.param }
            let probs = m.node("probs", in: graph)
            let width = graph.params[weights[0]].shape[0]
            // Named after the attention, not after whichever projection came first, so the
            // packed parameter is `….attention.qkv.weight` however the parts were matched.
            let prefix = probs.name.hasSuffix(".probs") ? String(probs.name.dropLast(".probs".count)) : probs.name
            let w = try packed(&graph, weights, path: "\(prefix).qkv.weight", rowWidth: graph.params[weights[0]].shape[1])
            let b = try packed(&graph, biases, path: "\(prefix).qkv.bias", rowWidth: 1)
            let mm = try graph.add(.matmul, values: [m["x"], ValueRef(w)], attrs: .matmul(transB: true),
                                   name: "\(prefix).qkv.matmul", origin: probs.origin)
            let qkv = ValueRef(try graph.add(.biasAdd, [mm, b], name: "\(prefix).qkv.bias_add", origin: probs.origin))
            // The packed nodes are appended after their users; compaction restores the order.
            graph[probs.id].inputs = [qkv, qkv] + probs.inputs.dropFirst(2)
            graph[probs.id].attrs.attention?.qOffset = 0
            graph[probs.id].attrs.attention?.kOffset = width
            graph[root].inputs[1] = qkv
            graph[root].attrs.attention?.vOffset = 2 * width
            return []
        })

    private static func sameSettings(_ graph: Graph, _ params: [Int?]) -> Bool {
        let params = params.compactMap { $0 }
        guard params.count == 3 else { return false }
        let first = graph.params[params[0]]
        return params.allSatisfy {
            let p = graph.params[$0]
            return p.setting == first.setting && p.sliceOf == nil
        }
    }

    /// Adds the packed parameter and turns the parts into slices of it.
    private static func packed(_ graph: inout Graph, _ parts: [Int], path: String, rowWidth: Int) throws -> NodeID {
        let first = graph.params[parts[0]]
        let rows = parts.reduce(0) { $0 + graph.params[$1].shape[0] }
        var entry = ParamEntry(path: path,
                               shape: first.shape.count == 2 ? [rows, rowWidth] : [rows],
                               checkpointName: nil, initializer: first.initializer, layer: first.layer)
        entry.setting = first.setting
        let index = graph.params.count
        var offset = 0
        for p in parts {
            graph.params[p].sliceOf = index
            graph.params[p].sliceOffset = offset
            offset += graph.params[p].count
        }
        return try graph.addParam(entry)
    }
}

extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
