/// Proves a decoded plan safe to run before the runtime turns any of its numbers into a pointer,
/// a loop bound or an allocation: a plan is untrusted input (people share plan files), and a
/// valid checksum only proves the bytes are the ones that were written. `PlanCodec.decode`
/// runs it, so no loader can skip it.
///
/// What it proves, per program: every node input is an earlier node; every parameter index is
/// in the table and every slice inside its root; every shape is well formed, its size at the
/// maxima fits in an `Int`, and re-running the op table's shape rules on the inputs gives the
/// recorded shape (which checks arity and every attribute a kernel turns into an offset); every
/// node the executor gives a pointer has storage, inside the arena at the maxima; embedding
/// tables cover every id the runtime can feed; the inputs, outputs and heads are the ones the
/// runtime reads; the maxima are within `PlanLimits`; and the predicted peak memory is within
/// the limit.
public struct PlanVerifier {
    struct Unsafe: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    let plan: Plan
    let limits: PlanLimits
    var layout: ParamLayout?

    public static func verify(_ plan: Plan, path: String, limits: PlanLimits = PlanLimits()) throws(PlanError) {
        var verifier = PlanVerifier(plan: plan, limits: limits)
        do {
            try verifier.run()
        } catch {
            throw .unsafe(path, error.message)
        }
    }

    mutating func run() throws(Unsafe) {
        try checkModel()
        try checkHeadWeights()
        layout = try checkParams()
        try checkProgram("inference", plan.inference)
        try checkHeads("inference", plan.inference, training: false)
        if let int8 = plan.int8 { try checkQuantized(int8) }
        if let training = plan.training {
            try checkProgram("training", training, training: true)
            try checkHeads("training", training, training: true)
            guard let update = plan.update else { throw Unsafe("update is missing: a plan with a training program needs its optimizer program") }
            try checkProgram("update", update)
            guard update.graph.nodes.contains(where: { $0.attrs.inputKind == .optimizerState }) else {
                throw Unsafe("update has no optimizer_state input")
            }
        } else if plan.update != nil {
            throw Unsafe("update is present without a training program")
        }
        try checkPhases()
        try checkMemory()
    }

    static func range(_ value: Int, _ bounds: ClosedRange<Int>, _ field: String) throws(Unsafe) {
        guard bounds.contains(value) else { throw Unsafe("\(field) = \(value) is out of range (\(bounds.lowerBound)...\(bounds.upperBound))") }
    }

    /// Each entry names a head with parameters, at most once: the loader takes its tensors by that name.
    func checkHeadWeights() throws(Unsafe) {
        var seen = Set<String>()
        for (i, w) in (plan.headWeights ?? []).enumerated() {
            guard plan.model.taskHeads.contains(where: { $0.name == w.head && $0.predicts }), seen.insert(w.head).inserted else {
                throw Unsafe("headWeights[\(i)].head = \(w.head.escapingControlCharacters) is not a head with parameters, or is listed twice")
            }
        }
    }

    func checkModel() throws(Unsafe) {
        let m = plan.model
        try Self.range(m.vocabSize, 1...PlanLimits.maxIndex, "model.vocabSize")
        try Self.range(m.maxPositions, 1...PlanLimits.maxIndex, "model.maxPositions")
        guard let backbone = Architectures.backbone(named: m.architecture) else {
            throw Unsafe("model.architecture = \(m.architecture) is not one of \(Architectures.backboneNames.joined(separator: ", "))")
        }
        try Self.range(m.typeVocabSize, (backbone.tokenizer.tokenTypes ? 1 : 0)...PlanLimits.maxIndex, "model.typeVocabSize")
        try Self.range(m.hidden, 1...Int(Int32.max), "model.hidden")
        try Self.range(m.heads, 1...m.hidden, "model.heads")
        try Self.range(m.layers, 0...Int(Int32.max), "model.layers")
        try Self.range(plan.tokenizer.maxLength, 2...PlanLimits.maxSeq, "tokenizer.maxLength")
        var names = Set<String>()
        for (i, head) in m.taskHeads.enumerated() {
            if head.predicts {
                try Self.range(head.labels.count, 1...PlanLimits.maxIndex, "model.taskHeads[\(i)].labels.count")
            } else {
                try Self.range(head.labels.count, 0...0, "model.taskHeads[\(i)].labels.count")
                guard head.scale.isFinite, head.scale > 0, head.scale <= 1000 else {
                    throw Unsafe("model.taskHeads[\(i)].scale = \(head.scale) is not in (0, 1000]")
                }
            }
            guard names.insert(head.name).inserted else { throw Unsafe("model.taskHeads[\(i)].name = \(head.name) is not unique") }
            if head.crf { try checkCRFScores(head, i) }
        }
    }

    /// Viterbi reads a CRF head's scores from the parameter store by path, C×C and C wide.
    func checkCRFScores(_ head: TaskHead, _ i: Int) throws(Unsafe) {
        guard head.kind == .tagging else { throw Unsafe("model.taskHeads[\(i)].crf is set on a \(head.kind.rawValue) head") }
        let c = head.labels.count
        let paths = CRFTaggingHead.scorePaths(head.name)
        for (path, shape) in [(paths.transitions, [c, c]), (paths.start, [c]), (paths.end, [c])] {
            guard let p = plan.params.first(where: { $0.path == path }), p.sliceOf == nil, p.shape == shape else {
                throw Unsafe("model.taskHeads[\(i)] is a CRF head but params has no \(path) of shape \(shape)")
            }
        }
    }

    func checkParams() throws(Unsafe) -> ParamLayout {
        let params = plan.params
        guard params.count <= PlanLimits.maxParams else { throw Unsafe("params has \(params.count) entries (at most \(PlanLimits.maxParams))") }
        for (i, p) in params.enumerated() {
            guard let count = p.checkedCount, p.shape.allSatisfy({ $0 <= Int(Int32.max) }) else {
                throw Unsafe("params[\(i)].shape = \(p.shape) is not a tensor shape (dimensions from 1 to 2^31−1, element count below 2^63)")
            }
            guard let root = p.sliceOf else { continue }
            guard params.indices.contains(root), root != i, params[root].sliceOf == nil else {
                throw Unsafe("params[\(i)].sliceOf = \(root) is not another root parameter (\(params.count) parameters)")
            }
            guard p.sliceOffset >= 0, let end = SizeMath.add(p.sliceOffset, count), let rootCount = params[root].checkedCount, end <= rootCount else {
                throw Unsafe("params[\(i)].sliceOffset = \(p.sliceOffset): \(count) elements do not fit in params[\(root)] (\(params[root].shape))")
            }
        }
        guard let layout = ParamLayout(params: params) else { throw Unsafe("params: the total size overflows") }
        return layout
    }

    func checkMemory() throws(Unsafe) {
        guard let estimate = MemoryEstimate.atMaxima(plan) else { throw Unsafe("the predicted memory overflows") }
        guard estimate.peak <= limits.maxMemory else {
            throw Unsafe("it needs \(PlanLimits.format(estimate.peak)) (\(estimate.breakdown)), over the memory limit of \(PlanLimits.format(limits.maxMemory))")
        }
    }
}
