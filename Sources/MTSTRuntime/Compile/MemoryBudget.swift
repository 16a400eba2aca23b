import MTSTCompiler

/// The compile-time side of the resource limits: sizes past `PlanLimits` and memory past
/// `--max-memory` are refused with the numbers and the YAML position of what is too large,
/// before lowering (from the parameter list's size) and again once the arenas are planned.
enum MemoryBudget {
    static func checkSizes(_ spec: Spec, _ model: ModelConfig) throws {
        func limit(_ value: Int, _ max: Int, _ key: String) throws {
            guard value <= max else { throw CompileError.located(spec.location(of: key), "\(key): \(value) exceeds the supported maximum \(max)") }
        }
        try limit(spec.compile.maxBatch, PlanLimits.maxBatch, "compile.max_batch")
        try limit(spec.tokenizer.maxLength, PlanLimits.maxSeq, "tokenizer.max_length")
        try limit(spec.backbone.vocabSize, PlanLimits.maxIndex, "backbone.vocab_size")
        try limit(spec.backbone.maxPositionEmbeddings, PlanLimits.maxIndex, "backbone.max_position_embeddings")
        try limit(spec.backbone.typeVocabSize, PlanLimits.maxIndex, "backbone.type_vocab_size")
        for head in model.taskHeads { try limit(head.labels.count, PlanLimits.maxIndex, "heads.\(head.name).labels") }
    }

    /// Weights (and, when training, gradients and both AdamW moments) alone against the limit,
    /// before a graph is built for them.
    static func checkParameters(_ spec: Spec, _ model: ModelConfig, training: Bool, limits: PlanLimits) throws {
        let classes = Dictionary(model.taskHeads.map { ($0.name, $0.labels.count) }, uniquingKeysWith: { a, _ in a })
        let copies = training ? 4 : 1
        let bytes = ModelDescription.totalElements(spec, headClasses: classes).flatMap { SizeMath.multiply($0, 4 * copies) }
        guard let bytes, bytes <= limits.maxMemory else {
            let what = training ? "weights, gradients and AdamW moments" : "weights"
            throw CompileError.located(spec.location(of: sizeKey(spec)),
                                       "\(sizeKey(spec)): the \(what) alone need \(bytes.map(PlanLimits.format) ?? "more than 2^63 bytes"), over --max-memory \(PlanLimits.format(limits.maxMemory))")
        }
    }

    /// The whole prediction once the plan exists.
    static func checkPlan(_ spec: Spec, _ plan: Plan, limits: PlanLimits) throws {
        guard let e = MemoryEstimate.atMaxima(plan) else {
            throw CompileError.located(spec.location(of: "compile"), "compile: the predicted memory overflows 64 bits")
        }
        guard e.peak > limits.maxMemory else { return }
        guard e.runtime < limits.maxMemory else {
            // No setting in the spec can help: blaming one would send the user to the wrong place.
            throw CompileError.file(spec.path, "predicted peak memory \(PlanLimits.format(e.peak)) (\(e.breakdown)) exceeds --max-memory \(PlanLimits.format(limits.maxMemory)), "
                                    + "which is below the \(PlanLimits.format(e.runtime)) mtstc and its tokenizer need before any model buffer; raise --max-memory")
        }
        let key = e.arena > e.weights + e.gradients + e.moments ? (plan.training != nil ? "compile.max_batch" : "tokenizer.max_length") : sizeKey(spec)
        throw CompileError.located(spec.location(of: key),
                                   "\(key): predicted peak memory \(PlanLimits.format(e.peak)) (\(e.breakdown)) exceeds --max-memory \(PlanLimits.format(limits.maxMemory))")
    }

    /// What makes the parameters large: the layer count when many small layers do, else the hidden size.
    static func sizeKey(_ spec: Spec) -> String {
        spec.backbone.numLayers > 48 && spec.backbone.hiddenSize <= 4096 ? "backbone.num_layers" : "backbone.hidden_size"
    }
}
