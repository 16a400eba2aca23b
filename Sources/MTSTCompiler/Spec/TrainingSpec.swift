/// The training loop's settings.
public struct TrainingSpec: Sendable, Equatable {
    public var epochs: Int
    /// Examples per forward/backward pass.
    public var batchSize: Int
    /// Passes whose gradients are summed before one optimizer step.
    public var gradientAccumulation: Int
    /// Global gradient-norm clip; 0 disables clipping.
    public var clipNorm: Double
    public var seed: UInt64
    /// How batches of several `data.train` sources (tasks) are ordered; nil = proportional.
    public var taskSampling: TaskSampling? = nil

    static let keys = ["epochs", "batch_size", "gradient_accumulation", "clip_norm", "seed", "task_sampling"]
}

extension TrainingSpec {
    static func decode(_ field: Field?, defaultBatch: Int) throws(SpecError) -> TrainingSpec {
        var spec = TrainingSpec(epochs: 3, batchSize: defaultBatch, gradientAccumulation: 1, clipNorm: 1.0, seed: 42)
        guard let field else { return spec }
        let map = try field.map(allowed: keys)
        if let f = map.optional("epochs") { spec.epochs = try f.positiveInt() }
        if let f = map.optional("batch_size") { spec.batchSize = try f.positiveInt() }
        if let f = map.optional("gradient_accumulation") { spec.gradientAccumulation = try f.positiveInt() }
        if let f = map.optional("clip_norm") { spec.clipNorm = try f.nonNegativeDouble() }
        if let f = map.optional("seed") { spec.seed = UInt64(try f.nonNegativeInt()) }
        if let f = map.optional("task_sampling") { spec.taskSampling = try TaskSampling.decode(f) }
        return spec
    }
}
