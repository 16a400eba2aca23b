/// Packs the query, key and value projections of each attention block into one GEMM over
/// weights `[3·H, H]` (ONNX Runtime's packed Attention). The three original parameters become
/// row slices of the packed one, so loading and saving by Hugging Face names is unchanged.
struct FuseQKVPass: FusionPass {
    var fusion: String { "qkv" }
    var name: String { "fuse-qkv" }

    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        for cid in graph.nodes.indices where graph[cid].kind == .attentionContext {
            let matcher = FusionMatcher(graph)
            let context_ = graph[cid]
            var pid = context_.inputs[0]
            if graph[pid].kind == .dropout { pid = graph[pid].inputs[0] }
            let probs = graph[pid]
            guard probs.kind == .attentionProbs, probs.inputs[0] != probs.inputs[1],
                  let q = matcher.dense(probs.inputs[0]), let k = matcher.dense(probs.inputs[1]),
                  let v = matcher.dense(context_.inputs[1]),
                  q.x == k.x, k.x == v.x,
                  matcher.soleUse(q.bias), matcher.soleUse(k.bias), matcher.soleUse(v.bias) else { continue }
            let weights = [q.weight, k.weight, v.weight].compactMap { graph[$0].attrs.param }
            let biases = [q.b, k.b, v.b].compactMap { graph[$0].attrs.param }
            guard weights.count == 3, biases.count == 3, sameSettings(graph, weights), sameSettings(graph, biases) else { continue }

            let width = graph.params[weights[0]].shape[0]
            let w = try packed(&graph, weights, rowWidth: graph.params[weights[0]].shape[1])
            let b = try packed(&graph, biases, rowWidth: 1)
            var t = Attributes()
            t.transB = true
            let prefix = String(probs.name.dropLast(".probs".count))
            let mm = try graph.add(.matmul, [q.x, w], attrs: t, name: "\(prefix).qkv.matmul", origin: probs.origin)
            let qkv = try graph.add(.biasAdd, [mm, b], name: "\(prefix).qkv.bias_add", origin: probs.origin)
            // The packed nodes are appended after their users; compaction in the next dead-node pass restores order.
            graph[pid].inputs = [qkv, qkv] + probs.inputs.dropFirst(2)
            graph[pid].attrs.qOffset = 0
            graph[pid].attrs.kOffset = width
            graph[cid].inputs[1] = qkv
            graph[cid].attrs.vOffset = 2 * width
            context.count(fusion)
        }
        graph = graph.compacted(keeping: graph.live())
    }

    private func sameSettings(_ graph: Graph, _ params: [Int]) -> Bool {
        let first = graph.params[params[0]]
        return params.allSatisfy {
            let p = graph.params[$0]
            return p.setting == first.setting && p.sliceOf == nil
        }
    }

    /// Adds the packed parameter and turns the parts into slices of it.
    private func packed(_ graph: inout Graph, _ parts: [Int], rowWidth: Int) throws -> NodeID {
        let first = graph.params[parts[0]]
        let rows = parts.reduce(0) { $0 + graph.params[$1].shape[0] }
        var entry = ParamEntry(path: first.path.replacingOccurrences(".query.", with: ".qkv."),
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
