// Dropout with a counter-based generator: element i's keep/drop decision is a hash of (seed, i),
// so backward regenerates the exact mask from the seed instead of storing it, and the result
// does not depend on how the work was split across threads.

/// MurmurHash3's 32-bit finaliser: full avalanche from shifts, xors and 32-bit multiplies,
/// each a single AVX2 instruction on eight lanes.
@inline(always) func fmix32(_ h: U8) -> U8 {
    var h = h
    h ^= h &>> 16
    h &*= 0x85EB_CA6B
    h ^= h &>> 13
    h &*= 0xC2B2_AE35
    h ^= h &>> 16
    return h
}

/// SplitMix64's finaliser, to turn nearby seeds (layer 1, layer 2, …) into unrelated keys.
@inline(__always) func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

extension Kernels {
    /// Keeps each element with probability 1 − p and scales kept ones by 1/(1 − p); may alias.
    /// Element i's decision is that of counter `i + indexOffset`: a rank's share of a global
    /// batch passes its elements' position in the global tensor, so it draws the mask the
    /// one-process run draws for them.
    public static func dropout(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int, p: Float, seed: UInt64,
                               indexOffset: Int = 0) {
        applyDropoutMask(x, out, count, p, seed, indexOffset)
    }

    /// Applies the same mask and scale as `dropout` with the same seed; may alias.
    public static func dropoutGrad(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int, p: Float, seed: UInt64,
                                   indexOffset: Int = 0) {
        applyDropoutMask(dy, dx, count, p, seed, indexOffset)
    }

    static func applyDropoutMask(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ count: Int, _ p: Float, _ seed: UInt64,
                                 _ indexOffset: Int = 0) {
        guard p > 0 else {
            if UnsafePointer(out) != x { copy(x, out, count: count) }
            return
        }
        guard p < 1 else {
            fill(out, value: 0, count: count)
            return
        }
        precondition(count <= Int(UInt32.max), "dropout: counter is 32-bit")
        let key = mix64(seed)
        let k0 = U8(repeating: UInt32(truncatingIfNeeded: key))
        let k1 = U8(repeating: UInt32(truncatingIfNeeded: key >> 32))
        // Keep when hash ≥ p·2³², so P(keep) = 1 − p to within 2⁻³².
        let threshold = U8(repeating: UInt32(min(Double(p) * 4_294_967_296, 4_294_967_295)))
        let keepScale = 1 / (1 - p)
        let lane = U8(0, 1, 2, 3, 4, 5, 6, 7)
        @inline(always) func masked(_ v: F8, _ i: Int) -> F8 {
            // Two rounds keyed by independent halves of the key: with one xor-keyed round, two
            // seeds would produce the same hashes, merely permuted.
            let hash = fmix32(fmix32((U8(repeating: UInt32(truncatingIfNeeded: i &+ indexOffset)) &+ lane) ^ k0) ^ k1)
            return (v * keepScale).replacing(with: 0, where: hash .< threshold)
        }
        parallelRanges(count, work: 4 * count, granularity: 8) { r in
            var i = r.lowerBound
            while i + 8 <= r.upperBound {
                store8(masked(load8(x + i), i), out + i)
                i += 8
            }
            let rest = r.upperBound - i
            if rest > 0 { storePartial8(masked(loadPartial8(x + i, rest), i), out + i, rest) }
        }
    }
}
