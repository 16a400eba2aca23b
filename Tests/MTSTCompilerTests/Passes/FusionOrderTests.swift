import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// The fusions match graph structure, not the order the lowering emitted nodes in: a graph whose
/// independent nodes are permuted (Q, K and V projections, residual branches, heads) and whose
/// commutative inputs are swapped fuses exactly as the original and computes the same outputs.
struct FusionOrderTests {
    /// A random topological order of `g` (any ready node may come next), renumbered, with the
    /// inputs of every commutative op swapped at random.
    static func shuffled(_ g: Graph, seed: UInt64) -> Graph {
        var rng = TestRNG(seed)
        let consumers = g.consumers()
        var pending = g.nodes.map { Set($0.inputs.map(\.node)).count }
        var ready = g.nodes.filter { pending[$0.id] == 0 }.map(\.id)
        var order: [NodeID] = []
        while !ready.isEmpty {
            let id = ready.remove(at: rng.int(ready.count))
            order.append(id)
            for c in consumers[id] {
                pending[c] -= 1
                if pending[c] == 0 { ready.append(c) }
            }
        }
        var newID = Array(repeating: -1, count: g.nodes.count)
        for (i, old) in order.enumerated() { newID[old] = i }
        var out = g
        out.nodes = order.enumerated().map { i, old in
            var n = g.nodes[old]
            n.id = i
            n.inputs = n.inputs.map { ValueRef(newID[$0.node], output: $0.output) }
            if n.kind.def.isCommutative, n.inputs.count == 2, rng.int(2) == 1 { n.inputs.swapAt(0, 1) }
            return n
        }
        out.outputs = g.outputs.mapValues { newID[$0] }
        return out
    }

    static func opCounts(_ g: Graph) -> [OpKind: Int] {
        Dictionary(g.nodes.map { ($0.kind, 1) }, uniquingKeysWith: +)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func shuffledEmissionFusesTheSame(seed: UInt64) throws {
        for mode in [Lowering.Mode.inference, .training] {
            let base = try Lowering.lower(tinyModel(layers: 2), mode: mode, maxBatch: 3, maxSeq: 5)
            let permuted = Self.shuffled(base, seed: seed)
            #expect(permuted.nodes.map(\.kind) != base.nodes.map(\.kind), "seed \(seed) did not permute anything")
            var a = base, b = permuted
            let ca = try Pipeline.run(&a, mode: mode)
            let cb = try Pipeline.run(&b, mode: mode)
            #expect(ca.fusions == cb.fusions, "\(mode): \(ca.fusions) vs \(cb.fusions)")
            // Training puts dropout between each projection and its residual add: no skip-LayerNorm there.
            #expect(ca.fusions["qkv"] == 2 && ca.fusions["bias_gelu"] == 2 && ca.fusions["skip_layernorm"] == (mode == .inference ? 4 : nil))
            #expect(Self.opCounts(a) == Self.opCounts(b))
            if mode == .inference {
                let values = randomValues(a.params, seed: 9)
                let x = try runInference(a, values: values)
                let y = try runInference(b, values: values)
                for (name, v) in x {
                    let w = try #require(y[name])
                    let diff = zip(v, w).map { abs($0 - $1) }.max() ?? 0
                    #expect(diff < 1e-5, "\(name) differs by \(diff)")
                }
            }
        }
    }

    /// The residual add lists the biased branch second: the commutative match still fuses it.
    @Test func residualOperandsInEitherOrder() throws {
        var g = try Lowering.lower(tinyModel(layers: 1), mode: .inference, maxBatch: 3, maxSeq: 5)
        for i in g.nodes.indices where g[i].kind == .add && g[i].name.hasSuffix("residual") { g[i].inputs.reverse() }
        let ctx = try Pipeline.run(&g, mode: .inference)
        #expect(ctx.fusions["skip_layernorm"] == 2)
        #expect(g.count(of: .add) == 2)  // the embedding sums only
    }

    /// Q and K swapped in the attention (scores of K·Qᵀ) still pack, reading the parts at the
    /// offsets of the projections they came from.
    @Test func packedQKVReadsThePartsItMatched() throws {
        var g = try Lowering.lower(tinyModel(layers: 1), mode: .inference, maxBatch: 3, maxSeq: 5)
        let values = randomValues(g.params, seed: 4)
        let probs = try #require(g.nodes.firstIndex { $0.kind == .attentionProbs })
        g[probs].inputs.swapAt(0, 1)
        var plain = g
        _ = try Pipeline.run(&plain, mode: .inference, passes: [ShapeCheckPass(), DeadNodePass()])
        let ctx = try Pipeline.run(&g, mode: .inference)
        #expect(ctx.fusions["qkv"] == 1)
        let x = try runInference(plain, values: values)
        let y = try runInference(g, values: values)
        for (name, v) in x {
            let diff = zip(v, try #require(y[name])).map { abs($0 - $1) }.max() ?? 0
            #expect(diff < 1e-4, "\(name) differs by \(diff)")
        }
    }
}
