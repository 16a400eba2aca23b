import MTSTTestSupport
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Finite-difference checks of every differentiable op's gradient rule, run through the real
/// lowering-free path: graph → backward nodes → arena plan → executor. The case table is keyed
/// by `OpKind`, so an op added without a check makes `everyOpHasAGradientCheck` fail.
struct GradientCheckTests {
    static let batch = 2, seq = 3, heads = 2, headDim = 2

    /// Builds the forward graph of one case; returns the node whose output is checked.
    typealias Build = @Sendable (inout CaseBuilder) throws -> NodeID

    static let cases: [OpKind: [(String, Build)]] = [
        .gather: [
            ("gather", { b in try b.g.add(.gather, [try b.param([5, 4]), try b.ids(max: 5)], attrs: .gather(idOffset: 0), name: "y") }),
            ("offset", { b in
                try b.g.add(.gather, [try b.param([7, 4]), try b.ids(max: 5)], attrs: .gather(idOffset: 2), name: "y")
            }),
        ],
        .add: [("add", { b in try b.g.add(.add, [try b.tokens(4), try b.tokens(4)], name: "y") })],
        .scale: [("scale", { b in
            try b.g.add(.scale, [try b.tokens(4)], attrs: .scale(factor: -0.7), name: "y")
        })],
        .biasAdd: [("biasAdd", { b in try b.g.add(.biasAdd, [try b.tokens(4), try b.param([4])], name: "y") })],
        .matmul: [
            ("NN", { b in try b.matmul(try b.param([3, 4]), try b.param([4, 5]), false, false) }),
            ("NT", { b in try b.matmul(try b.tokens(4), try b.param([5, 4]), false, true) }),
            ("TN", { b in try b.matmul(try b.tokens(3), try b.tokens(5), true, false) }),
            ("TT", { b in try b.matmul(try b.param([4, 3]), try b.param([5, 4]), true, true) }),
            // Both operands one node (a Gram matrix, as the contrastive head's cosines): the two
            // gradient contributions must be summed.
            ("NT same input", { b in
                let x = try b.param([4, 3])
                return try b.matmul(x, x, false, true)
            }),
        ],
        .linear: [("linear", { b in try b.g.add(.linear, [try b.tokens(4), try b.param([5, 4]), try b.param([5])], name: "y") })],
        .gelu: [("gelu", { b in try b.g.add(.gelu, [try b.tokens(4, scale: 2)], name: "y") })],
        .biasGelu: [("biasGelu", { b in try b.g.add(.biasGelu, [try b.tokens(4, scale: 2), try b.param([4])], name: "y") })],
        .layerNorm: [("layerNorm", { b in
            try b.g.add(.layerNorm, [try b.tokens(5), try b.param([5]), try b.param([5])], attrs: .layerNorm(eps: 1e-5), name: "y")
        })],
        .skipLayerNorm: [("skipLayerNorm", { b in
            try b.g.add(.skipLayerNorm, [try b.tokens(5), try b.tokens(5), try b.param([5]), try b.param([5]), try b.param([5])],
                        attrs: .layerNorm(eps: 1e-5), name: "y")
        })],
        .attentionProbs: [
            ("separate", { b in try b.attention(packed: false) }),
            ("packed", { b in try b.attention(packed: true) }),
            ("relative bias", { b in try b.attention(packed: true, relativeBias: true) }),
        ],
        .attentionContext: [("context", { b in try b.attention(packed: false) })],
        .meanPool: [("meanPool", { b in try b.g.add(.meanPool, [try b.tokens(4), try b.mask()], name: "y") })],
        .clsPool: [("clsPool", { b in try b.g.add(.clsPool, [try b.tokens(4)], name: "y") })],
        .maxPool: [("maxPool", { b in try b.g.add(.maxPool, [try b.tokens(4), try b.mask()], name: "y") })],
        .l2Normalize: [("l2Normalize", { b in
            try b.g.add(.l2Normalize, [try b.pooled(4)], attrs: .l2Normalize(eps: 1e-12), name: "y")
        })],
        .dropout: [("dropout", { b in
            try b.g.add(.dropout, [try b.tokens(6)], attrs: .dropout(p: 0.3, stream: 7), name: "y")
        })],
        .crossEntropy: [
            ("crossEntropy", { b in try b.g.add(.crossEntropy, [try b.tokens(4, scale: 2), try b.labels(classes: 4)], name: "y") }),
            // The contrastive head's loss as ContrastiveHead.loss builds it, on 2 pairs (rows
            // 0–1 anchors, 2–3 positives): cosines, scale, the candidate mask, cross-entropy.
            ("contrastive", { b in
                // Rows of norm ≈ 2–4: normalizing a short row is curved enough that the fixed
                // difference step of 0.01 would misjudge its slope by over 1 %.
                let unit = try b.g.add(.l2Normalize, [try b.param([4, 3], scale: 4)], attrs: .l2Normalize(eps: 1e-12), name: "unit")
                let cosine = try b.g.add(.matmul, [unit, unit], attrs: .matmul(transB: true), name: "cosine")
                let scores = try b.g.add(.scale, [cosine], attrs: .scale(factor: 3), name: "scores")
                let mask = try b.input("candidates", Shape(.const(4)), [InputKind.candidateExcluded, InputKind.candidateExcluded, 0, 0])
                let masked = try b.g.add(.biasAdd, [scores, mask], name: "masked")
                return try b.g.add(.crossEntropy, [masked, try b.input("targets", Shape(.const(4)), [2, 3, -1, -1])], name: "y")
            }),
        ],
        .crf: [("crf", { b in
            // Sentence 0 chains rows 0 and 1, sentence 1 rows 3 and 4 (row 2 and 5 labelled −1).
            try b.g.add(.crf, [try b.tokens(4, scale: 2), try b.labels(classes: 4), try b.param([4, 4]), try b.param([4]), try b.param([4])],
                        name: "y")
        })],
    ]

    @Test func everyOpHasAGradientCheck() {
        for kind in OpKind.allCases where kind.def.isDifferentiable && !kind.def.isSource {
            #expect(Self.cases[kind] != nil, "no finite-difference gradient check for \(kind)")
        }
    }

    /// Every backward-only op must appear in some checked gradient graph.
    @Test func everyBackwardOpIsExercised() throws {
        var seen = Set<OpKind>()
        for (_, list) in Self.cases {
            for (_, build) in list { seen.formUnion(try GradientCase(build).graph.nodes.map(\.kind)) }
        }
        // Optimizer-program ops have no gradient; they are checked against PyTorch's AdamW in
        // TorchGradientParityTests and its SGD in TorchSGDParityTests.
        let optimizerOps: Set<OpKind> = [.gradAccumulate, .gradSquaredNorm, .clipScale, .adamw, .sgd]
        // Inference-only ops (int8Linear) are checked against their reference in Int8LinearOpTests;
        // communication ops move gradients between ranks, and GradientSyncTests checks them against
        // the sums a one-process run computes.
        for kind in OpKind.allCases where !kind.def.isDifferentiable && !kind.def.isSource && !optimizerOps.contains(kind)
            && !kind.def.isInferenceOnly && !kind.def.isCommunication {
            #expect(seen.contains(kind), "backward op \(kind) is not exercised by any gradient check")
        }
    }

    static var allCases: [(OpKind, String)] {
        cases.flatMap { kind, list in list.map { (kind, $0.0) } }.sorted { "\($0)" < "\($1)" }
    }

    @Test(arguments: allCases)
    func finiteDifferences(kind: OpKind, name: String) throws {
        let build = Self.cases[kind]!.first { $0.0 == name }!.1
        let c = try GradientCase(build)
        try c.check()
    }
}

struct CaseBuilder {
    var g = Graph(maxBatch: GradientCheckTests.batch, maxSeq: GradientCheckTests.seq)
    var rng = TestRNG(99)
    var initial: [Int: [Float]] = [:]
    var iotaTokens: NodeID?
    var iotaBatch: NodeID?
    var maskNode: NodeID?
    var fixedInputs: [(NodeID, [Float])] = []

    mutating func param(_ shape: [Int], scale: Float = 1) throws -> NodeID {
        let id = try g.addParam(ParamEntry(path: "p\(g.params.count)", shape: shape, checkpointName: nil, initializer: .zeros))
        initial[g.params.count - 1] = (0..<shape.reduce(1, *)).map { _ in rng.float() * scale }
        return id
    }

    mutating func input(_ name: String, _ shape: Shape, _ values: [Float]) throws -> NodeID {
        let id = try g.add(.input, [], attrs: .input(.labels(head: name), shape: shape), name: name)
        fixedInputs.append((id, values))
        return id
    }

    /// A differentiable `[B·T, w]` activation: a gather of a parameter by token index.
    mutating func tokens(_ w: Int, scale: Float = 1) throws -> NodeID {
        let n = GradientCheckTests.batch * GradientCheckTests.seq
        if iotaTokens == nil { iotaTokens = try input("iotaT", Shape(.tokens), (0..<n).map(Float.init)) }
        return try g.add(.gather, [try param([n, w], scale: scale), iotaTokens!], attrs: .gather(idOffset: 0), name: "tokens")
    }

    mutating func pooled(_ w: Int) throws -> NodeID {
        if iotaBatch == nil { iotaBatch = try input("iotaB", Shape(.batch), (0..<GradientCheckTests.batch).map(Float.init)) }
        return try g.add(.gather, [try param([GradientCheckTests.batch, w]), iotaBatch!], attrs: .gather(idOffset: 0), name: "pooled")
    }

    mutating func ids(max: Int) throws -> NodeID {
        let n = GradientCheckTests.batch * GradientCheckTests.seq
        return try input("ids", Shape(.tokens), (0..<n).map { Float(($0 * 3) % max) })
    }

    /// Sentence 0 uses all 3 tokens, sentence 1 only 2.
    mutating func mask() throws -> NodeID {
        if maskNode == nil { maskNode = try input("mask", Shape(.batch, .seq), [1, 1, 1, 1, 1, 0]) }
        return maskNode!
    }

    mutating func labels(classes: Int) throws -> NodeID {
        try input("labels", Shape(.tokens), [0, 3, -1, 2, 1, -1])
    }

    mutating func matmul(_ a: NodeID, _ b: NodeID, _ ta: Bool, _ tb: Bool) throws -> NodeID {
        try g.add(.matmul, [a, b], attrs: .matmul(transA: ta, transB: tb), name: "y")
    }

    /// With `relativeBias`, 4 buckets with max distance 3: distances 1 and 2 share a bucket, so
    /// the table gradient's sum over diagonals is checked too.
    mutating func attention(packed: Bool, relativeBias: Bool = false) throws -> NodeID {
        let (h, d) = (GradientCheckTests.heads, GradientCheckTests.headDim)
        var a = AttentionAttributes(heads: h, headDim: d, scale: 0.8)
        let q: NodeID, k: NodeID, v: NodeID
        if packed {
            q = try tokens(3 * h * d, scale: 1.5)
            (k, v) = (q, q)
            a.kOffset = h * d
            a.vOffset = 2 * h * d
        } else {
            (q, k, v) = (try tokens(h * d, scale: 1.5), try tokens(h * d, scale: 1.5), try tokens(h * d))
        }
        var inputs = [q, k, try mask()]
        if relativeBias {
            a.relativeBuckets = 4
            a.relativeMaxDistance = 3
            inputs.append(try param([4, h], scale: 2))
        }
        let probs = try g.add(.attentionProbs, inputs, attrs: .attention(a), name: "probs")
        return try g.add(.attentionContext, [probs, v], attrs: .attention(a), name: "y")
    }
}

/// One forward graph with its backward graph, ready to run.
struct GradientCase {
    var graph: Graph
    let y: NodeID
    let initial: [Int: [Float]]
    let inputs: [(NodeID, [Float])]
    let dy: [Float]
    let grads: [Int: NodeID]  // param index → gradient node

    init(_ build: GradientCheckTests.Build) throws {
        var b = CaseBuilder()
        let y = try build(&b)
        var g = b.g
        let yShape = g[y].shape
        // The checked scalar is L = Σ dy ⊙ y, so the seed gradient is dy itself.
        let count = yShape.elementCount(batch: GradientCheckTests.batch, seq: GradientCheckTests.seq)
        var rng = TestRNG(7)
        let dy = (0..<count).map { _ in rng.float() }
        let seed = try g.add(.input, [], attrs: .input(.labels(head: "dy"), shape: yShape), name: "dy", phase: .backward)
        var requires = Array(repeating: false, count: g.nodes.count)
        for node in g.nodes {
            requires[node.id] = node.kind == .param || (node.kind.def.isDifferentiable && node.inputs.contains { requires[$0.node] })
        }
        let result = try AutodiffPass.backward(&g, from: y, seed: seed, requires: requires)
        var grads: [Int: NodeID] = [:]
        for node in g.nodes where node.kind == .param {
            if let gid = result[node.id] {
                grads[node.attrs.param!] = gid.node
                g.outputs["grad\(node.attrs.param!)"] = gid.node
            }
        }
        g.outputs["y"] = y
        graph = g
        self.y = y
        initial = b.initial
        inputs = b.fixedInputs + [(seed, dy)]
        self.dy = dy
        self.grads = grads
    }

    func check() throws {
        let layout = try ArenaPlanner.plan(graph)
        let store = try ParamStore(params: graph.params)
        for (p, values) in initial { for (i, v) in values.enumerated() { store.pointer(p)[i] = v } }
        let arena = try AlignedBuffer(count: layout.bytes / 4 + 16)
        let exec = Executor(program: Program(graph: graph, arena: layout), store: store, arena: arena)
        try exec.setShape(batch: GradientCheckTests.batch, seq: GradientCheckTests.seq)
        let base = UnsafeMutableRawPointer(arena.pointer)
        for (id, values) in inputs {
            let p = (base + layout.offsets[id]).assumingMemoryBound(to: Float.self)
            for (i, v) in values.enumerated() { p[i] = v }
        }
        func loss() throws -> Double {
            exec.run(seed: 5)
            let out = try exec.output("y")
            return zip(out, dy).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let first = try loss()
        let tolerance = FiniteDifferenceTolerance(magnitude: zip(try exec.output("y"), dy).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) })
        #expect(try loss() == first, "a rerun with the same inputs and seed must give the same loss")
        var analytic: [Int: [Float]] = [:]
        for (p, _) in grads { analytic[p] = Array(try exec.output("grad\(p)")) }
        #expect(!grads.isEmpty)
        let h = FiniteDifferenceTolerance.step
        for (p, values) in initial {
            guard let ana = analytic[p] else { continue }
            for i in values.indices {
                let x = store.pointer(p)[i]
                store.pointer(p)[i] = x + h
                let up = try loss()
                store.pointer(p)[i] = x - h
                let down = try loss()
                store.pointer(p)[i] = x
                let numeric = (up - down) / Double(2 * h)
                #expect(tolerance.accepts(numeric: numeric, analytic: Double(ana[i])),
                        "param \(p)[\(i)]: numeric \(numeric) vs analytic \(ana[i]), allowed \(tolerance.allowed(numeric, Double(ana[i])))")
            }
        }
    }
}

