import MTSTCompiler
import MTSTKernels

/// Evaluation sharded over the ranks: each predicts a contiguous, token-balanced share of the
/// evaluation sentences; the loss sums and counts are added up over the ranks before the mean is
/// taken, and the predictions (label and tag indices) are gathered, so every rank scores the
/// whole set exactly as one process does and rank 0 writes `predictions.jsonl` for all of it.
extension DataParallel {
    func predictWithLosses(_ model: Model, _ examples: [EncodedExample], texts: [String]) throws
        -> (predictions: [Prediction], losses: [String: Double]) {
        guard isDistributed else { return try model.predictWithLosses(examples, texts: texts) }
        let heads = model.plan.model.taskHeads.filter { $0.predicts && $0.kind != .contrastive }
        let share = Self.shares(lengths: examples.map(\.ids.count), ranks: size)[rank]
        var mine: [Prediction] = []
        var sums: [String: (sum: Double, count: Int)] = [:]
        if !share.isEmpty {
            do {
                (mine, sums) = try model.predictWithLossSums(Array(examples[share]),
                                                             texts: share.map { $0 < texts.count ? texts[$0] : "" })
            } catch NumericsError.output(let index, let text, let output) {
                throw NumericsError.output(index: index + share.lowerBound, text: text, output: output)
            }
        }
        let all = model.plan.model.taskHeads
        var totals: [Double] = []
        for head in all {
            let s = sums[head.name] ?? (0, 0)
            totals += [s.sum, Double(s.count)]
        }
        totals = try sum(totals)
        var losses: [String: Double] = [:]
        for (h, head) in all.enumerated() where totals[2 * h + 1] > 0 { losses[head.name] = totals[2 * h] / totals[2 * h + 1] }

        // Per example and head: one label index, or one tag index per word (−1 past a short
        // prediction); the same layout on every rank, since every rank holds every example.
        func width(_ e: EncodedExample, _ head: TaskHead) -> Int { head.kind == .classification ? 1 : e.firstPiece.count }
        let perExample = examples.map { e in heads.reduce(0) { $0 + width(e, $1) } }
        let counts = Self.shares(lengths: examples.map(\.ids.count), ranks: size).map { perExample[$0].reduce(0, +) }
        var buffer = [Float](repeating: -1, count: max(1, counts.reduce(0, +)))
        var at = counts[..<rank].reduce(0, +)
        for (i, p) in zip(share, mine) {
            for head in heads {
                let w = width(examples[i], head)
                if head.kind == .classification {
                    buffer[at] = Float(p.labels[head.name].flatMap { head.labels.firstIndex(of: $0) } ?? -1)
                } else {
                    for (k, tag) in (p.tags[head.name] ?? []).prefix(w).enumerated() { buffer[at + k] = Float(head.labels.firstIndex(of: tag) ?? -1) }
                }
                at += w
            }
        }
        try buffer.withUnsafeMutableBufferPointer { p throws(CollectiveError) in try collectives.allGather(p.baseAddress!, counts: counts) }
        var predictions = Array(repeating: Prediction(), count: examples.count)
        at = 0
        for (i, e) in examples.enumerated() {
            for head in heads {
                let w = width(e, head)
                let label = { (v: Float) -> String? in v >= 0 && Int(v) < head.labels.count ? head.labels[Int(v)] : nil }
                if head.kind == .classification {
                    predictions[i].labels[head.name] = label(buffer[at]) ?? ""
                } else {
                    predictions[i].tags[head.name] = buffer[at..<(at + w)].compactMap(label)
                }
                at += w
            }
        }
        return (predictions, losses)
    }
}
