import MTSTCompiler

extension Executor {
    /// Feeds token inputs and every head's labels for a batch of encoded examples. A batch holds
    /// either sentences or pairs, never both (`TrainingBatches.epoch`): n pairs become 2n rows,
    /// the anchors then their positives, and each head other than the pairs' contrastive head
    /// sees only ignored labels, as a contrastive head does on a batch of sentences.
    func feed(_ examples: [EncodedExample], heads: [TaskHead]) throws {
        let pairs = examples.first?.positive != nil
        precondition(examples.allSatisfy { ($0.positive != nil) == pairs }, "a batch mixes pairs and sentences")
        let sequences = pairs ? examples.map(\.ids) + examples.map { $0.positive ?? [] } : examples.map(\.ids)
        let tokens = TokenBatch(sequences: sequences, rows: Array(sequences.indices))
        try tokens.feed(self)
        let n = examples.count
        for (h, head) in heads.enumerated() {
            guard let p = inputPointer(.labels(head: head.name)) else { continue }
            switch head.kind {
            case .classification:
                for b in 0..<tokens.batch { p[b] = pairs ? -1 : Float(examples[b].labels[h][0]) }
            case .tagging:
                if pairs {
                    p.update(repeating: -1, count: tokens.tokens)
                } else {
                    for (b, e) in examples.enumerated() {
                        for (t, v) in e.labels[h].enumerated() { p[tokens.starts[b] + t] = Float(v) }
                    }
                }
            case .contrastive:
                let trains = pairs && examples[0].pairHead == h
                let candidates = inputPointer(.candidates(head: head.name))
                for r in 0..<tokens.batch {
                    p[r] = trains && r < n ? Float(n + r) : -1
                    candidates?[r] = trains && r < n ? InputKind.candidateExcluded : 0
                }
            }
        }
    }
}
