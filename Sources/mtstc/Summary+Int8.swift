import Foundation
import MTSTCompiler
import MTSTKernels

/// The quantized program and the accuracy guard's report, in `compile`'s and `inspect`'s summaries.
extension Summary {
    static func int8Text(_ plan: Plan) -> String {
        guard let q = plan.int8 else { return "" }
        let r = q.report
        let layers = q.layers
        let eligible = layers.count + r.fallbacks.count
        let byEpilogue = Int8Epilogue.allCases.compactMap { e -> String? in
            let n = layers.filter { $0.epilogue == e }.count
            return n > 0 ? "\(n) \(e.rawValue)" : nil
        }.joined(separator: ", ")
        let g = q.program.graph
        var out = "  int8: \(layers.count) of \(eligible) backbone linear layers quantized (epilogues: \(byEpilogue.isEmpty ? "none" : byEpilogue)), \(g.opCount) ops, arena \(megabytes(q.program.arena.bytes))\n"
        out += "    accuracy guard: \(r.sentences) calibration sentences (\(r.calibration)), threshold worst cosine ≥ \(r.minCosine)\n"
        out += "      every layer int8: worst cosine \(cos(r.initial.worst)), mean \(cos(r.initial.mean))\n"
        out += "      this plan:        worst cosine \(cos(r.final.worst)), mean \(cos(r.final.mean))\n"
        if r.fallbacks.isEmpty {
            out += "      kept fp32: none\n"
        } else {
            out += "      kept fp32 (\(r.fallbacks.count)):\n"
            for f in r.fallbacks { out += "        \(f.layer.escapingControlCharacters): \(f.reason.escapingControlCharacters)\n" }
        }
        for h in r.heads {
            let delta = String(format: "%+.2f", 100 * (h.int8 - h.fp32))
            out += "      head \(h.head.escapingControlCharacters) \(h.metric): fp32 \(pct(h.fp32)) → int8 \(pct(h.int8)) (\(delta) points)\n"
        }
        return out
    }

    static func int8JSON(_ plan: Plan) -> [String: Any]? {
        guard let q = plan.int8 else { return nil }
        let r = q.report
        func stats(_ s: CosineStats) -> [String: Any] { ["worst_cosine": s.worst, "mean_cosine": s.mean, "worst_sentence": s.worstSentence] }
        return [
            "type": r.kind.rawValue,
            "ops": q.program.graph.opCount,
            "arena_bytes": q.program.arena.bytes,
            "quantized": q.layers.map { l -> [String: Any] in
                var d: [String: Any] = ["layer": l.layer, "node": l.node, "weight": l.weight, "epilogue": l.epilogue.rawValue]
                if let b = l.block { d["block"] = b }
                return d
            },
            "fallbacks": r.fallbacks.map { ["layer": $0.layer, "alone_worst_cosine": $0.aloneWorstCosine, "reason": $0.reason] as [String: Any] },
            "guard": [
                "min_cosine": r.minCosine, "calibration": r.calibration, "sentences": r.sentences,
                "initial": stats(r.initial), "final": stats(r.final),
                "heads": r.heads.map { ["head": $0.head, "metric": $0.metric, "fp32": $0.fp32, "int8": $0.int8] as [String: Any] },
            ] as [String: Any],
        ]
    }

    private static func cos(_ v: Double) -> String { String(format: "%.5f", v) }
    private static func pct(_ v: Double) -> String { String(format: "%.2f %%", 100 * v) }
}
