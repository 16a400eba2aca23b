import MTSTKernels

/// Where one rank's share of a global batch sits inside it (data parallelism): its first
/// sentence and first packed token row in the global batch, and the global batch's sizes.
/// Dropout reads it to draw, for every element, the mask the one-process run draws for the
/// same element of the global tensor.
public struct ShardLayout: Equatable, Sendable {
    public var firstSentence: Int
    public var firstToken: Int
    public var globalBatch: Int
    /// The longest sentence of the global batch: `T` of the global tensors.
    public var globalSeq: Int
    public var globalTokens: Int

    public init(firstSentence: Int, firstToken: Int, globalBatch: Int, globalSeq: Int, globalTokens: Int) {
        self.firstSentence = firstSentence
        self.firstToken = firstToken
        self.globalBatch = globalBatch
        self.globalSeq = globalSeq
        self.globalTokens = globalTokens
    }
}

extension KernelArgs {
    /// The dropout mask of this node's output, drawn by global element index under a shard.
    /// Tensors lead with the batch (`[B·T, H]` packed tokens, `[B, H]` pooled, `[heads·B, T, T]`
    /// attention): leading index i of the shard is i + (first token or sentence) of the global
    /// tensor, whose slots hold `globalInner` elements. Within a slot an element keeps its
    /// offset: attention stores a sentence's n×n block densely at the start of its T×T slot, so
    /// the offset means the same (token, token) pair whatever T the batch has.
    func dropoutMask(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, p: Float, seed: UInt64) {
        let dims = node.shape.dims
        guard let shard, let lead = dims.first, !lead.isConstant else {
            Kernels.dropout(x, out, count: outputCount, p: p, seed: seed)
            return
        }
        precondition(starts != nil || !(lead.batchPower == 1 && lead.seqPower == 1), "dropout under a shard needs packed token rows")
        precondition(lead.batchPower == 1, "dropout under a shard: the leading dim must count sentences or tokens")
        let local = node.shape.resolved(batch: batch, seq: seq, tokens: tokens)
        let global = node.shape.resolved(batch: shard.globalBatch, seq: shard.globalSeq, tokens: shard.globalTokens)
        // c·B·T counts token rows, c·B sentences (c slots per sentence).
        let shift = lead.coefficient * (lead.seqPower == 1 ? shard.firstToken : shard.firstSentence)
        let localInner = local.dropFirst().reduce(1, *), globalInner = global.dropFirst().reduce(1, *)
        if localInner == globalInner {
            Kernels.dropout(x, out, count: outputCount, p: p, seed: seed, indexOffset: shift * globalInner)
            return
        }
        for i in 0..<local[0] {
            Kernels.dropout(x + i * localInner, out + i * localInner, count: localInner, p: p, seed: seed,
                            indexOffset: (i + shift) * globalInner)
        }
    }
}
