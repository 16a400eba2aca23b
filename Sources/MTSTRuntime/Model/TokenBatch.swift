import MTSTCompiler

/// Sentences packed as the graph's inputs: `B` rows of `T` tokens, padded with `[PAD]` and masked.
public struct TokenBatch: Sendable {
    public var batch: Int
    public var seq: Int
    public var ids: [Float]
    public var mask: [Float]
    /// Which input sentence each row holds.
    public var rows: [Int]

    public init(sequences: [[Int32]], rows: [Int], padId: Int32) {
        batch = sequences.count
        seq = max(1, sequences.map(\.count).max() ?? 1)
        ids = Array(repeating: Float(padId), count: batch * seq)
        mask = Array(repeating: 0, count: batch * seq)
        self.rows = rows
        for (b, s) in sequences.enumerated() {
            for (t, id) in s.enumerated() {
                ids[b * seq + t] = Float(id)
                mask[b * seq + t] = 1
            }
        }
    }

    /// Splits sentences into batches of at most `maxBatch`, longest first, so that sentences of
    /// similar length share a batch and padding stays small (sequence bucketing).
    public static func buckets(_ sequences: [[Int32]], maxBatch: Int, padId: Int32) -> [TokenBatch] {
        let order = sequences.indices.sorted { sequences[$0].count > sequences[$1].count }
        return stride(from: 0, to: order.count, by: maxBatch).map { start in
            let rows = Array(order[start..<min(start + maxBatch, order.count)])
            return TokenBatch(sequences: rows.map { sequences[$0] }, rows: rows, padId: padId)
        }
    }

    /// Writes ids, token types (all 0), positions and mask into an executor's inputs.
    public func feed(_ executor: Executor) throws {
        try executor.setShape(batch: batch, seq: seq)
        if let p = executor.inputPointer(.tokenIds) { ids.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: ids.count) } }
        if let p = executor.inputPointer(.mask) { mask.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: mask.count) } }
        if let p = executor.inputPointer(.tokenTypes) { p.update(repeating: 0, count: batch * seq) }
        if let p = executor.inputPointer(.positions) {
            for b in 0..<batch { for t in 0..<seq { p[b * seq + t] = Float(t) } }
        }
    }
}
