/// The passes in the order they run. Fusions come before differentiation so that the backward
/// graph is built from the fused ops' gradient rules. The quantized inference program
/// (`quantize`, non-nil) adds `QuantizePass` after the fusions, leaving the layers it names fp32.
public enum Pipeline {
    public static func passes(for mode: Lowering.Mode, quantize keepFP32: Set<String>? = nil) -> [any Pass] {
        precondition(keepFP32 == nil || mode == .inference, "only inference programs are quantized")
        var list: [any Pass] = [
            ShapeCheckPass(),
            DeadNodePass(),
            CountOpsPass(),
            FuseQKVPass(),
            FuseBiasGeluPass(),
            FuseSkipLayerNormPass(),
            FuseLinearPass(),
        ]
        if let keepFP32 { list.append(QuantizePass(keepFP32: keepFP32)) }
        list.append(DeadNodePass())
        if mode == .training {
            list.append(contentsOf: [AutodiffPass(), DeadNodePass(), FuseGradAccumulatePass()] as [any Pass])
        }
        list.append(contentsOf: [ShapeCheckPass(), SchedulePass()] as [any Pass])
        if mode == .training { list.append(GradientBucketPass()) }
        list.append(ArenaPlanPass())
        return list
    }

    /// The optimizer program has nothing to fuse or differentiate.
    public static var updatePasses: [any Pass] { [ShapeCheckPass(), DeadNodePass(), SchedulePass(), ArenaPlanPass()] }

    /// The fusion counters of the passes that run in `mode`, in pipeline order.
    public static func fusions(for mode: Lowering.Mode) -> [String] {
        passes(for: mode).flatMap { ($0 as? any FusionPass)?.rules.map(\.name) ?? [] }
    }

    public static var passNames: [String] {
        var seen: [String] = []
        for p in passes(for: .training) where !seen.contains(p.name) {
            seen.append(p.name)
            if p.name == "fuse-linear" { seen.append("quantize") }
        }
        return seen
    }

    /// Runs every pass; `observe` sees the graph after each (for `--dump-after`).
    /// `phaseEpoch`: build the backward graph of the gradual-unfreezing phase starting at that epoch.
    /// `bucketBytes`: the gradient buckets' size (`distributed.bucket_mb`).
    public static func run(_ graph: inout Graph, mode: Lowering.Mode, passes list: [any Pass]? = nil, phaseEpoch: Int? = nil,
                           bucketBytes: Int = DistributedConfig.defaultBucketBytes,
                           observe: (String, Graph) -> Void = { _, _ in }) throws -> PassContext {
        var context = PassContext(mode: mode)
        context.phaseEpoch = phaseEpoch
        context.bucketBytes = bucketBytes
        observe("lower", graph)
        for pass in list ?? passes(for: mode) {
            try pass.run(&graph, &context)
            observe(pass.name, graph)
        }
        context.backwardOps = graph.nodes.filter { $0.phase == .backward && !$0.kind.def.isSource && !$0.kind.def.isCommunication }.count
        return context
    }
}

/// Records the op count of the unfused graph for the summary.
struct CountOpsPass: Pass {
    var name: String { "count" }
    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        context.opsBeforeFusion = graph.opCount
    }
}
