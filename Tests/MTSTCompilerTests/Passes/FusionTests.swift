import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// A small BERT with both heads, for pass tests.
func tinyModel(layers: Int = 2, normalize: NormalizeKind = .l2, pooling: PoolingKind = .mean) -> ModelConfig {
    ModelConfig(vocabSize: 50, hidden: 8, layers: layers, heads: 2, intermediate: 16, maxPositions: 16, typeVocabSize: 2,
                layerNormEps: 1e-12, hiddenDropout: 0.1, attentionDropout: 0.1, initStd: 0.5, pooling: pooling,
                normalize: normalize,
                taskHeads: [TaskHead(name: "intent", kind: .classification, dropout: 0.1, labels: ["a", "b", "c"], lossWeight: 1),
                            TaskHead(name: "slots", kind: .tagging, dropout: 0.1, labels: ["O", "B-x", "I-x"], lossWeight: 0.5)])
}

/// Runs a compiled inference graph on a fixed batch and returns its outputs by name.
func runInference(_ graph: Graph, values: [String: [Float]], batch: Int = 3, seq: Int = 5) throws -> [String: [Float]] {
    let layout = try ArenaPlanner.plan(graph)
    let store = try ParamStore(params: graph.params)
    for (i, p) in graph.params.enumerated() where p.sliceOf == nil || values[p.path] != nil {
        guard let v = values[p.path] else { continue }
        for j in v.indices { store.pointer(i)[j] = v[j] }
    }
    let exec = Executor(program: Program(graph: graph, arena: layout), store: store, arena: try AlignedBuffer(count: layout.bytes / 4 + 16))
    let lengths = [5, 3, 1]
    let ids = (0..<batch).map { b in (0..<lengths[b]).map { Int32(($0 * 7 + b * 11) % 50) } }
    try TokenBatch(sequences: ids, rows: Array(0..<batch)).feed(exec)
    exec.run()
    var out: [String: [Float]] = [:]
    for name in graph.outputs.keys { out[name] = Array(try exec.output(name)) }
    return out
}

func randomValues(_ params: [ParamEntry], seed: UInt64) -> [String: [Float]] {
    var rng = TestRNG(seed)
    var v: [String: [Float]] = [:]
    for p in params where p.checkpointName != nil || p.sliceOf == nil {
        v[p.path] = (0..<p.count).map { _ in rng.float() * 0.5 }
    }
    return v
}

struct FusionTests {
    static let fusions: [(String, any Pass, String)] = [
        ("qkv", FuseQKVPass(), "qkv"), ("bias-gelu", FuseBiasGeluPass(), "bias_gelu"),
        ("skip-layernorm", FuseSkipLayerNormPass(), "skip_layernorm"), ("linear", FuseLinearPass(), "linear"),
    ]

    @Test(arguments: 0..<4)
    func fusionKeepsOutputs(index: Int) throws {
        let (_, pass, counter) = Self.fusions[index]
        let model = tinyModel()
        let base = try Lowering.lower(model, mode: .inference, maxBatch: 3, maxSeq: 5)
        let values = randomValues(base.params, seed: 3)
        var plain = base
        _ = try Pipeline.run(&plain, mode: .inference, passes: [ShapeCheckPass(), DeadNodePass()])
        var fused = base
        let ctx = try Pipeline.run(&fused, mode: .inference, passes: [ShapeCheckPass(), DeadNodePass(), pass, ShapeCheckPass()])
        #expect((ctx.fusions[counter] ?? 0) >= model.layers, "\(counter) fused \(ctx.fusions[counter] ?? 0) times")
        #expect(fused.opCount < plain.opCount)
        let a = try runInference(plain, values: values)
        let b = try runInference(fused, values: values)
        for (name, x) in a {
            let y = try #require(b[name])
            #expect(x.count == y.count)
            let diff = zip(x, y).map { abs($0 - $1) }.max() ?? 0
            #expect(diff < 1e-4, "\(name) differs by \(diff) after \(counter)")
        }
    }

    @Test func fullPipelineFusesEveryLayer() throws {
        var g = try Lowering.lower(tinyModel(layers: 3), mode: .inference, maxBatch: 3, maxSeq: 5)
        let ctx = try Pipeline.run(&g, mode: .inference)
        #expect(ctx.fusions["qkv"] == 3)
        #expect(ctx.fusions["bias_gelu"] == 3)
        #expect(ctx.fusions["skip_layernorm"] == 6)
        #expect(g.count(of: .attentionProbs) == 3)
        #expect(g.count(of: .layerNorm) == 1)  // embeddings only: the rest became skip-LayerNorms
        #expect(ctx.arena != nil)
    }

    @Test func qkvNotFusedWhenGroupsDiffer() throws {
        var g = try Lowering.lower(tinyModel(layers: 1), mode: .inference, maxBatch: 3, maxSeq: 5)
        for i in g.params.indices where g.params[i].path.contains(".key.") { g.params[i].setting.lr = 1 }
        let ctx = try Pipeline.run(&g, mode: .inference)
        #expect(ctx.fusions["qkv"] == nil)
    }
}
