import MTSTCompiler

/// One compared spec: what its plan costs (read from the plan) and how its run went (read from
/// the run's `metrics.jsonl`, nil before its first epoch).
public struct StrategyResult: Sendable {
    public var name: String
    public var specPath: String
    public var heads: [TaskHead]
    public var stats: CompileStats
    public var metrics: RunMetrics?

    public init(name: String, specPath: String, plan: Plan, metrics: RunMetrics?) {
        self.name = name
        self.specPath = specPath
        heads = plan.model.taskHeads
        stats = plan.stats
        self.metrics = metrics
    }

    public init(name: String, specPath: String, heads: [TaskHead], stats: CompileStats, metrics: RunMetrics?) {
        self.name = name
        self.specPath = specPath
        self.heads = heads
        self.stats = stats
        self.metrics = metrics
    }

    /// The metric a head is judged by: accuracy for classification, span F1 for tagging,
    /// retrieval accuracy@1 for a contrastive head.
    public static func mainMetric(_ kind: TaskHead.Kind) -> String {
        switch kind {
        case .classification: "accuracy"
        case .tagging: "f1"
        case .contrastive: "pair_acc"
        }
    }

    public var peakRSSMB: Double? { metrics?.rows.compactMap(\.peakRSSMB).max() }

    public var secondsPerEpoch: Double? {
        let times = metrics?.rows.compactMap(\.trainSeconds) ?? []
        return times.isEmpty ? nil : times.reduce(0, +) / Double(times.count)
    }
}
