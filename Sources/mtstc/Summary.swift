import Foundation
import MTSTCompiler

/// The human and JSON summaries shared by `compile` and `inspect`.
enum Summary {
    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }

    static func groups(_ plan: Plan) -> [(label: String, tensors: Int, elements: Int, lr: String, wd: String, from: Int, frozen: Bool)] {
        var order: [String] = []
        var acc: [String: (Int, Int, Double, Double, Set<Double>, Int, Bool)] = [:]
        for p in plan.params where p.sliceOf == nil {
            let key = p.group.isEmpty ? "default" : p.group
            if acc[key] == nil { order.append(key); acc[key] = (0, 0, .infinity, -.infinity, [], p.trainFromEpoch, p.frozen) }
            acc[key]!.4.insert(p.weightDecay)
            acc[key]!.0 += 1
            acc[key]!.1 += p.count
            acc[key]!.2 = min(acc[key]!.2, p.lr)
            acc[key]!.3 = max(acc[key]!.3, p.lr)
            acc[key]!.5 = max(acc[key]!.5, p.trainFromEpoch)
        }
        return order.map { k in
            let a = acc[k]!
            let lr = a.2 == a.3 ? String(format: "%.3g", a.2) : String(format: "%.3g…%.3g", a.2, a.3)
            return (k, a.0, a.1, lr, a.4.sorted(by: >).map { String(format: "%g", $0) }.joined(separator: "/"), a.5, a.6)
        }
    }

    static func text(_ plan: Plan) -> String {
        let s = plan.stats
        var out = "mtstc plan \(plan.name) (from \(plan.specPath))\n"
        let m = plan.model
        out += "  model: BERT \(m.layers) layers, hidden \(m.hidden), \(m.heads) heads, ffn \(m.intermediate), vocab \(m.vocabSize); pooling \(m.pooling.rawValue), normalize \(m.normalize.rawValue)\n"
        for h in m.taskHeads {
            out += "  head \(h.name): \(h.kind.rawValue), \(h.labels.count) labels, dropout \(h.dropout), loss weight \(h.lossWeight)\n"
        }
        out += "  weights: \(plan.weights?.path ?? "random init (seed \(plan.schedule.seed))")\n"
        out += "  parameters: \(s.trainableParams) trainable, \(s.frozenParams) frozen\n"
        for g in groups(plan) {
            let state = g.frozen ? "frozen" : (g.from > 0 ? "trains from epoch \(g.from)" : "trains")
            out += "    \(g.label.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(g.tensors).leftPadSpaces(4)) tensors \(String(g.elements).leftPadSpaces(10)) values  lr \(g.lr)  wd \(g.wd)  \(state)\n"
        }
        let fusions = s.fusions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        out += "  inference: \(s.opsBeforeFusion) ops before fusion → \(s.ops) after (fusions: \(fusions.isEmpty ? "none" : fusions))\n"
        out += "  arena (inference, \(plan.inference.graph.maxBatch)×\(plan.inference.graph.maxSeq)): \(megabytes(s.arenaBytes)) (naive sum \(megabytes(s.naiveBytes)))\n"
        if let t = plan.training {
            out += "  training: \(t.graph.opCount) ops (\(s.backwardOps) backward), arena (\(t.graph.maxBatch)×\(t.graph.maxSeq)): \(megabytes(s.arenaBytesTrain)) (naive sum \(megabytes(s.naiveBytesTrain)))\n"
            out += "  optimizer: \(plan.update?.graph.count(of: .adamw) ?? 0) AdamW update nodes (\(s.updateOps) ops), clip \(plan.optimizer.clipNorm)\n"
        } else {
            out += "  training: none (the spec has no data.train)\n"
        }
        return out
    }

    static func json(_ plan: Plan) -> String {
        let s = plan.stats
        var dict: [String: Any] = [
            "name": plan.name,
            "ops": s.ops,
            "ops_before_fusion": s.opsBeforeFusion,
            "fusions": ["qkv": s.fusions["qkv"] ?? 0, "bias_gelu": s.fusions["bias_gelu"] ?? 0,
                        "skip_layernorm": s.fusions["skip_layernorm"] ?? 0, "linear": s.fusions["linear"] ?? 0],
            "arena_bytes": s.arenaBytes,
            "naive_bytes": s.naiveBytes,
            "params": ["trainable": s.trainableParams, "frozen": s.frozenParams],
            "groups": groups(plan).map { ["name": $0.label, "tensors": $0.tensors, "values": $0.elements, "lr": $0.lr,
                                          "weight_decay": $0.wd, "train_from_epoch": $0.from, "frozen": $0.frozen] as [String: Any] },
        ]
        if plan.training != nil {
            dict["backward_ops"] = s.backwardOps
            dict["arena_bytes_train"] = s.arenaBytesTrain
            dict["naive_bytes_train"] = s.naiveBytesTrain
            dict["update_ops"] = s.updateOps
        }
        let data = (try? JSONSerialization.data(withJSONObject: dict, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    func leftPadSpaces(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
