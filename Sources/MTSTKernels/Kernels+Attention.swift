// Multi-head attention with heads laid out in columns: head h of token row r is columns
// h·d ..< (h+1)·d. Q, K and V may be slices of one packed QKV buffer, hence a separate row
// stride for each. Every (batch, head) pair is an independent set of small GEMMs (HeadGEMM.swift)
// writing a disjoint block of the output, so pairs are spread across cores.
//
// Token rows are either padded (sentence b at rows b·T ..< (b+1)·T) or packed without padding
// (`starts`, see `sentenceRows`). Sentence b of n tokens uses the first n·n floats of its T·T
// probability block, with row stride n, so a short sentence costs n², not T².

/// Softmax over one row of scores; keys whose mask is 0 get exactly 0. A row with no real key
/// (an empty sequence) becomes all zeros rather than NaN, so its gradients are zero too.
@inline(always) func maskedSoftmaxRow(_ row: UnsafeMutablePointer<Float>, _ mask: UnsafePointer<Float>, _ n: Int) {
    let negInf = -Float.infinity
    var mx = F8(repeating: negInf)
    var i = 0
    while i + 8 <= n {
        mx = vmax(mx, load8(row + i).replacing(with: negInf, where: load8(mask + i) .== 0))
        i += 8
    }
    if i < n {
        mx = vmax(mx, loadPartial8(row + i, n - i).replacing(with: negInf, where: loadPartial8(mask + i, n - i) .== 0))
    }
    let rowMax = hmax(mx)
    guard rowMax > negInf else {
        row.update(repeating: 0, count: n)
        return
    }
    var sum = F8()
    @inline(always) func exponentiate(_ i: Int, _ lanes: Int) {
        let e = exp8(load8(row + i, lanes) - rowMax).replacing(with: 0, where: load8(mask + i, lanes) .== 0)
        sum += e
        store8(e, row + i, lanes)
    }
    i = 0
    while i + 8 <= n { exponentiate(i, 8); i += 8 }
    if i < n { exponentiate(i, n - i) }
    let inv = 1 / hsum(sum)
    @inline(always) func normalize(_ i: Int, _ lanes: Int) { store8(load8(row + i, lanes) * inv, row + i, lanes) }
    i = 0
    while i + 8 <= n { normalize(i, 8); i += 8 }
    if i < n { normalize(i, n - i) }
}

/// One row of the softmax backward: ds = scale·p⊙(dp − dp·p). ds may alias dp.
@inline(always) func softmaxGradRow(
    _ dp: UnsafePointer<Float>, _ p: UnsafePointer<Float>, _ n: Int, _ scale: Float, _ ds: UnsafeMutablePointer<Float>
) {
    var acc = F8()
    var i = 0
    while i + 8 <= n { acc += load8(dp + i) * load8(p + i); i += 8 }
    if i < n { acc += loadPartial8(dp + i, n - i) * loadPartial8(p + i, n - i) }
    let dot = hsum(acc)
    @inline(always) func block(_ i: Int, _ lanes: Int) {
        store8(scale * load8(p + i, lanes) * (load8(dp + i, lanes) - dot), ds + i, lanes)
    }
    i = 0
    while i + 8 <= n { block(i, 8); i += 8 }
    if i < n { block(i, n - i) }
}

/// Rows of sentence b in a token matrix: padded (no `starts`) puts it at b·seq with seq rows;
/// packed puts it at starts[b] ..< starts[b+1], so token matrices hold no padding rows at all.
@inline(always) func sentenceRows(_ starts: UnsafePointer<Int32>?, _ b: Int, _ seq: Int) -> (start: Int, count: Int) {
    guard let starts else { return (b * seq, seq) }
    let s = Int(starts[b])
    return (s, Int(starts[b + 1]) - s)
}

extension Kernels {
    /// Runs `body(b, h)` for every (batch, head) pair, spread across cores when large enough.
    @inline(__always)
    static func forEachHead(_ batch: Int, _ heads: Int, _ seq: Int, _ headDim: Int, _ body: (Int, Int) -> Void) {
        forEachHead(batch, heads, seq, headDim, scratch: 0) { b, h, _ in body(b, h) }
    }

    /// As above, with `scratch` floats private to the thread running the pair: at most one
    /// allocation per call (none when `scratch` is 0), shared by all pairs of a chunk.
    static func forEachHead(
        _ batch: Int, _ heads: Int, _ seq: Int, _ headDim: Int, scratch: Int,
        _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void
    ) {
        precondition(headDim > 0 && heads > 0, "attention: heads and headDim must be positive")
        guard batch > 0, seq > 0 else { return }
        let pairs = batch * heads
        let work = 2 * pairs * seq * seq * headDim
        let chunks = work >= parallelThreshold ? min(2 * coreCount, pairs) : 1
        let perChunk = (pairs + chunks - 1) / chunks
        // One float when no scratch is wanted: small enough for the stack, never read.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, chunks * scratch)) { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("non-empty allocation without an address") }
            parallelRanges(chunks, work: work) { ids in
                for id in ids {
                    for bh in (id * perChunk)..<min(pairs, (id + 1) * perChunk) {
                        body(bh / heads, bh % heads, base + id * scratch)
                    }
                }
            }
        }
    }

    /// Row stride of a transposed head in scratch: T rounded up to a whole 16-column tile.
    static func paddedSeq(_ seq: Int) -> Int { (seq + 15) / 16 * 16 }

    /// probs[b, h, i, :] = softmax over keys of scale·q_i·k_tᵀ, padded keys exactly 0.
    /// With `relativeBias` (a `[buckets, heads]` table, MPNet) each score first gets
    /// `relativeBias[bucket(t − i), h]` added (Kernels+RelativeBias.swift).
    public static func attentionProbs(
        q: UnsafePointer<Float>, ldq: Int, k: UnsafePointer<Float>, ldk: Int, mask: UnsafePointer<Float>,
        batch: Int, heads: Int, seq: Int, starts: UnsafePointer<Int32>? = nil, headDim: Int, scale: Float,
        relativeBias: UnsafePointer<Float>? = nil, buckets: Int = 0, maxDistance: Int = 0,
        probs: UnsafeMutablePointer<Float>
    ) {
        let ldt = paddedSeq(seq)
        // The bias path keeps one head's 2T−1 diagonal biases after the transposed K block.
        let diagonals = relativeBias == nil ? 0 : 2 * seq - 1
        forEachHead(batch, heads, seq, headDim, scratch: headDim * ldt + diagonals) { b, h, kt in
            let (r0, n) = sentenceRows(starts, b, seq)
            let p = probs + (b * heads + h) * seq * seq
            transposeHead(k + r0 * ldk + h * headDim, ld: ldk, seq: n, headDim: headDim, kt, ldDst: ldt)
            headGemm(n, n, headDim, scale, q + r0 * ldq + h * headDim, rsA: ldq, csA: 1,
                     kt, ldb: ldt, bPadded: true, p, ldc: n)
            if let relativeBias {
                let diag = kt + headDim * ldt
                relativeBiasDiagonals(relativeBias, heads: heads, head: h, n: n, buckets: buckets,
                                      maxDistance: maxDistance, diag)
                for i in 0..<n { addRelativeBiasRow(p + i * n, diag, i, n) }
            }
            for i in 0..<n { maskedSoftmaxRow(p + i * n, mask + b * seq, n) }
        }
    }

    /// out[b·T+i, h·d+j] = Σ_t P[b,h,i,t]·v[b·T+t, h·d+j].
    public static func attentionContext(
        probs: UnsafePointer<Float>, v: UnsafePointer<Float>, ldv: Int,
        batch: Int, heads: Int, seq: Int, starts: UnsafePointer<Int32>? = nil, headDim: Int,
        out: UnsafeMutablePointer<Float>, ldo: Int
    ) {
        blockTimesHeads(probs, transposed: false, v, ldx: ldv, batch, heads, seq, starts, headDim, out, ldo: ldo)
    }

    /// dP_bh = dO_bh·V_bhᵀ.
    public static func attentionContextGradProbs(
        dout: UnsafePointer<Float>, ldo: Int, v: UnsafePointer<Float>, ldv: Int,
        batch: Int, heads: Int, seq: Int, starts: UnsafePointer<Int32>? = nil, headDim: Int,
        dprobs: UnsafeMutablePointer<Float>
    ) {
        let ldt = paddedSeq(seq)
        forEachHead(batch, heads, seq, headDim, scratch: headDim * ldt) { b, h, vt in
            let (r0, n) = sentenceRows(starts, b, seq)
            transposeHead(v + r0 * ldv + h * headDim, ld: ldv, seq: n, headDim: headDim, vt, ldDst: ldt)
            headGemm(n, n, headDim, 1, dout + r0 * ldo + h * headDim, rsA: ldo, csA: 1,
                     vt, ldb: ldt, bPadded: true, dprobs + (b * heads + h) * seq * seq, ldc: n)
        }
    }

    /// dV_bh = P_bhᵀ·dO_bh.
    public static func attentionContextGradV(
        probs: UnsafePointer<Float>, dout: UnsafePointer<Float>, ldo: Int,
        batch: Int, heads: Int, seq: Int, starts: UnsafePointer<Int32>? = nil, headDim: Int,
        dv: UnsafeMutablePointer<Float>, lddv: Int
    ) {
        blockTimesHeads(probs, transposed: true, dout, ldx: ldo, batch, heads, seq, starts, headDim, dv, ldo: lddv)
    }

    /// dS = scale·P⊙(dP − rowsum(dP⊙P)), the softmax backward with the score scale folded in.
    /// dscores may alias dprobs.
    public static func softmaxGrad(
        dprobs: UnsafePointer<Float>, probs: UnsafePointer<Float>, rows: Int, rowLength n: Int,
        scale: Float, dscores: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(rows, work: 4 * rows * n) { rs in
            for r in rs { softmaxGradRow(dprobs + r * n, probs + r * n, n, scale, dscores + r * n) }
        }
    }

    /// The softmax backward per (batch, head) block, for packed or padded token rows: sentence b's
    /// block holds n·n values with row stride n (see the file header).
    public static func softmaxGrad(
        dprobs: UnsafePointer<Float>, probs: UnsafePointer<Float>, batch: Int, heads: Int, seq: Int,
        starts: UnsafePointer<Int32>?, scale: Float, dscores: UnsafeMutablePointer<Float>
    ) {
        guard starts != nil else {
            softmaxGrad(dprobs: dprobs, probs: probs, rows: batch * heads * seq, rowLength: seq, scale: scale, dscores: dscores)
            return
        }
        forEachHead(batch, heads, seq, 1) { b, h in
            let n = sentenceRows(starts, b, seq).count
            let o = (b * heads + h) * seq * seq
            for i in 0..<n { softmaxGradRow(dprobs + o + i * n, probs + o + i * n, n, scale, dscores + o + i * n) }
        }
    }

    /// dQ_bh = dS_bh·K_bh.
    public static func attentionScoresGradQ(
        dscores: UnsafePointer<Float>, k: UnsafePointer<Float>, ldk: Int,
        batch: Int, heads: Int, seq: Int, starts: UnsafePointer<Int32>? = nil, headDim: Int,
        dq: UnsafeMutablePointer<Float>, lddq: Int
    ) {
        blockTimesHeads(dscores, transposed: false, k, ldx: ldk, batch, heads, seq, starts, headDim, dq, ldo: lddq)
    }

    /// dK_bh = dS_bhᵀ·Q_bh.
    public static func attentionScoresGradK(
        dscores: UnsafePointer<Float>, q: UnsafePointer<Float>, ldq: Int,
        batch: Int, heads: Int, seq: Int, starts: UnsafePointer<Int32>? = nil, headDim: Int,
        dk: UnsafeMutablePointer<Float>, lddk: Int
    ) {
        blockTimesHeads(dscores, transposed: true, q, ldx: ldq, batch, heads, seq, starts, headDim, dk, ldo: lddk)
    }

    /// out_bh = M_bh·X_bh, or M_bhᵀ·X_bh when `transposed`, for every (sentence, head): M_bh the
    /// n×n block of a per-head matrix (probabilities or score gradients), X_bh head h of sentence
    /// b's rows of a token matrix, copied contiguous first (see `packHead`).
    static func blockTimesHeads(
        _ m: UnsafePointer<Float>, transposed: Bool, _ x: UnsafePointer<Float>, ldx: Int,
        _ batch: Int, _ heads: Int, _ seq: Int, _ starts: UnsafePointer<Int32>?, _ headDim: Int,
        _ out: UnsafeMutablePointer<Float>, ldo: Int
    ) {
        forEachHead(batch, heads, seq, headDim, scratch: seq * headDim) { b, h, xh in
            let (r0, n) = sentenceRows(starts, b, seq)
            packHead(x + r0 * ldx + h * headDim, ld: ldx, seq: n, headDim: headDim, xh)
            headGemm(n, headDim, n, 1, m + (b * heads + h) * seq * seq, rsA: transposed ? 1 : n, csA: transposed ? n : 1,
                     xh, ldb: headDim, bPadded: false, out + r0 * ldo + h * headDim, ldc: ldo)
        }
    }
}
