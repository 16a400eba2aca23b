import Foundation
import MTSTCompiler

/// The human and JSON summaries shared by `compile` and `inspect`.
enum Summary {
    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }

    static func text(_ plan: Plan) -> String {
        let s = plan.stats
        var out = "mtstc plan \(plan.name) (from \(plan.specPath))\n"
        let m = plan.model
        out += "  model: \(m.architecture) \(m.layers) layers, hidden \(m.hidden), \(m.heads) heads, ffn \(m.intermediate), vocab \(m.vocabSize); pooling \(m.pooling.rawValue), normalize \(m.normalize.rawValue)\n"
        for h in m.taskHeads {
            let shape = h.predicts ? "\(h.labels.count) labels, dropout \(h.dropout)" : "scale \(h.scale) on cosines of the \(h.normalizedInput ? "embedding" : "pooled vector"), no parameters"
            out += "  head \(h.name): \(h.kind.rawValue), \(shape), loss weight \(h.lossWeight)\n"
        }
        out += "  weights: \(plan.weights?.path ?? "random init (init_seed \(plan.model.initSeed))")\n"
        for w in plan.headWeights ?? [] { out += "  weights of head \(w.head): \(w.file.path)\n" }
        out += "  parameters: \(s.trainableParams) trainable, \(s.frozenParams) frozen\n"
        for g in ParamGroupSummary.groups(plan.params) {
            out += "    \(g.label.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(g.tensors).leftPadSpaces(4)) tensors \(String(g.values).leftPadSpaces(10)) values  lr \(g.lrText)  wd \(g.weightDecayText)  \(g.stateText)\n"
        }
        let fusions = s.fusions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        out += "  inference: \(s.opsBeforeFusion) ops before fusion → \(s.ops) after (fusions: \(fusions.isEmpty ? "none" : fusions))\n"
        out += "  arena (inference, \(plan.inference.graph.maxBatch)×\(plan.inference.graph.maxSeq)): \(megabytes(s.arenaBytes)) (naive sum \(megabytes(s.naiveBytes)))\n"
        if let t = plan.training {
            out += "  training: \(t.graph.opCount) ops (\(s.backwardOps) backward), arena (\(t.graph.maxBatch)×\(t.graph.maxSeq)): \(megabytes(s.arenaBytesTrain)) (naive sum \(megabytes(s.naiveBytesTrain)))\n"
            if let phases = s.phases {
                out += "  gradual unfreezing: \(phases.count) training programs, one per phase\n"
                for (k, p) in phases.enumerated() {
                    let last = k + 1 == phases.count
                    out += "    phase \(k) from epoch \(p.fromEpoch): \(p.ops) ops (\(p.backwardOps) backward), arena \(megabytes(p.arenaBytesTrain))\(last ? " (the training program above)" : "")\n"
                }
            }
            out += bucketText(plan, t)
            let method = plan.optimizer.method
            out += "  optimizer: \(plan.update?.graph.count(of: method.updateOp) ?? 0) \(method.name == .adamw ? "AdamW" : "SGD") update nodes (\(s.updateOps) ops), clip \(plan.optimizer.clipNorm)\n"
        } else {
            out += "  training: none (the spec has no data.train)\n"
        }
        out += int8Text(plan)
        if let e = MemoryEstimate.atMaxima(plan) {
            out += "  predicted peak memory (\(plan.training != nil ? "training" : "inference") at the maxima): \(PlanLimits.format(e.peak)) (\(e.breakdown))\n"
            if plan.distributed?.zero == 1, let z = MemoryEstimate.perRank(plan, zeroRanks: 2) {
                out += "  per rank with ZeRO stage 1 on 2 ranks: \(PlanLimits.format(z.peak)) (\(plan.optimizer.method.stateDescription) \(PlanLimits.format(z.moments)) instead of \(PlanLimits.format(e.moments)))\n"
            }
        }
        return out
    }

    static func json(_ plan: Plan) -> String {
        let s = plan.stats
        var dict: [String: Any] = [
            "name": plan.name,
            "ops": s.ops,
            "ops_before_fusion": s.opsBeforeFusion,
            // Every inference fusion is listed, the ones that found nothing to fuse with 0.
            "fusions": Dictionary(uniqueKeysWithValues: Pipeline.fusions(for: .inference).map { ($0, s.fusions[$0] ?? 0) }),
            "arena_bytes": s.arenaBytes,
            "naive_bytes": s.naiveBytes,
            "params": ["trainable": s.trainableParams, "frozen": s.frozenParams],
            "groups": ParamGroupSummary.groups(plan.params).map {
                ["name": $0.label, "tensors": $0.tensors, "values": $0.values, "lr": $0.lrText,
                 "weight_decay": $0.weightDecayText, "train_from_epoch": $0.trainFromEpoch, "frozen": $0.frozen] as [String: Any]
            },
        ]
        if let e = MemoryEstimate.atMaxima(plan) {
            dict["predicted_peak_bytes"] = e.peak
            dict["predicted_memory"] = e.json
        }
        if let int8 = int8JSON(plan) { dict["int8"] = int8 }
        if plan.training != nil {
            dict["backward_ops"] = s.backwardOps
            dict["arena_bytes_train"] = s.arenaBytesTrain
            dict["naive_bytes_train"] = s.naiveBytesTrain
            dict["update_ops"] = s.updateOps
            if let phases = s.phases {
                let programs = plan.trainingPhases.map(\.program)
                dict["phases"] = zip(phases, programs).map { p, program in
                    ["from_epoch": p.fromEpoch, "backward_ops": p.backwardOps, "arena_bytes_train": p.arenaBytesTrain,
                     "gradient_buckets": GradientBuckets.list(program.graph).map(bucketJSON)] as [String: Any]
                }
            }
        }
        if let training = plan.training {
            let config = plan.distributed ?? DistributedConfig()
            dict["distributed"] = ["bucket_mb": config.bucketMB, "zero": config.zero] as [String: Any]
            dict["gradient_buckets"] = GradientBuckets.list(training.graph).map(bucketJSON)
            // Per rank under ZeRO stage 1 (the optimizer state of the largest share), beside the
            // replicated figure every rank needs without it.
            dict["zero_1_per_rank"] = [2, 4, 8].compactMap { n -> [String: Any]? in
                guard let e = MemoryEstimate.perRank(plan, zeroRanks: n) else { return nil }
                return ["ranks": n, "predicted_peak_bytes": e.peak, "optimizer_state_bytes": e.moments]
            }
        }
        let data = (try? JSONSerialization.data(withJSONObject: dict, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension Summary {
    /// The training program's gradient buckets: what each sums across ranks and how much of the
    /// backward pass is left to hide the transfer behind.
    static func bucketText(_ plan: Plan, _ training: Program) -> String {
        let buckets = GradientBuckets.list(training.graph)
        let config = plan.distributed ?? DistributedConfig()
        var out = "  gradient buckets (bucket_mb \(config.bucketMB)\(config.zero == 1 ? ", ZeRO stage 1" : "")): \(buckets.count), all-reduced across ranks under mpirun\n"
        let nodes = training.graph.nodes.count
        for b in buckets {
            out += "    bucket \(b.index): \(b.params.count) tensors, \(megabytes(b.bytes)), start at node \(b.startNode) of \(nodes), wait at \(b.waitNode); \(b.overlappingOps) ops to overlap (first \(b.params.first ?? ""))\n"
        }
        return out
    }

    static func bucketJSON(_ b: GradientBuckets.Info) -> [String: Any] {
        ["index": b.index, "params": b.params, "bytes": b.bytes, "start_node": b.startNode, "wait_node": b.waitNode,
         "overlapping_ops": b.overlappingOps]
    }
}

extension String {
    func leftPadSpaces(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
