import MTSTCompiler

/// Sentences as the graph's inputs. Token inputs are packed: sentence b's tokens are rows
/// `starts[b] ..< starts[b+1]`, one sentence after the other, with no padding rows, so every
/// token-wise op (the GEMMs above all) runs on the real tokens only. The mask stays `[B, T]`,
/// T the longest sentence, for the ops that see sentence boundaries.
public struct TokenBatch: Sendable {
    public var batch: Int
    public var seq: Int
    /// Packed token ids, `tokens` of them.
    public var ids: [Float]
    /// Positions within each sentence, packed like `ids`.
    public var positions: [Float]
    public var mask: [Float]
    /// Row of each sentence's first token in the packed inputs and outputs, plus the total.
    public var starts: [Int]
    /// Which input sentence each row holds.
    public var rows: [Int]

    public var tokens: Int { ids.count }
    public var lengths: [Int] { (0..<batch).map { starts[$0 + 1] - starts[$0] } }

    public init(sequences: [[Int32]], rows: [Int]) {
        batch = sequences.count
        seq = max(1, sequences.map(\.count).max() ?? 1)
        ids = sequences.flatMap { $0.map(Float.init) }
        positions = sequences.flatMap { s in s.indices.map(Float.init) }
        mask = Array(repeating: 0, count: batch * seq)
        starts = [0]
        self.rows = rows
        for (b, s) in sequences.enumerated() {
            for t in s.indices { mask[b * seq + t] = 1 }
            starts.append(starts[b] + s.count)
        }
    }

    /// Splits sentences into batches of at most `maxBatch`, longest first, so that sentences of
    /// similar length share a batch and padding stays small (sequence bucketing).
    public static func buckets(_ sequences: [[Int32]], maxBatch: Int) -> [TokenBatch] {
        let order = sequences.indices.sorted { sequences[$0].count > sequences[$1].count }
        return stride(from: 0, to: order.count, by: maxBatch).map { start in
            let rows = Array(order[start..<min(start + maxBatch, order.count)])
            return TokenBatch(sequences: rows.map { sequences[$0] }, rows: rows)
        }
    }

    /// Sets the executor's packed layout and writes ids, token types (all 0), positions and mask.
    public func feed(_ executor: Executor) throws {
        try executor.setLayout(lengths: lengths)
        if let p = executor.inputPointer(.tokenIds) { p.update(from: ids, count: ids.count) }
        if let p = executor.inputPointer(.mask) { p.update(from: mask, count: mask.count) }
        if let p = executor.inputPointer(.tokenTypes) { p.update(repeating: 0, count: tokens) }
        if let p = executor.inputPointer(.positions) { p.update(from: positions, count: positions.count) }
    }
}
