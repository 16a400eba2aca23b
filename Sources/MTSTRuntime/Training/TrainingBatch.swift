import MTSTCompiler

extension Executor {
    /// Feeds token inputs and every head's labels for a batch of encoded examples.
    func feed(_ examples: [EncodedExample], heads: [TaskHead]) throws {
        let tokens = TokenBatch(sequences: examples.map(\.ids), rows: Array(examples.indices))
        try tokens.feed(self)
        for (h, head) in heads.enumerated() {
            guard let p = inputPointer(.labels(head: head.name)) else { continue }
            switch head.kind {
            case .classification:
                for (b, e) in examples.enumerated() { p[b] = Float(e.labels[h][0]) }
            case .tagging:
                for (b, e) in examples.enumerated() {
                    for (t, v) in e.labels[h].enumerated() { p[tokens.starts[b] + t] = Float(v) }
                }
            }
        }
    }
}
