// Vectorised exp and erf in float precision. libm has no SIMD entry points callable from Swift,
// and a per-lane call would dominate GELU and softmax. Polynomials run as fused multiply-adds
// (`addingProduct`; Swift never contracts `a * b + c` on its own).

/// e^x, about 1 ulp for x ≤ 88. Inputs below ln(FLT_MIN) give exactly 0 (no denormals), which is
/// what lets masked softmax entries come out as exact zeros. NaN propagates.
@inline(always) func exp8(_ x: F8) -> F8 {
    let low: Float = -87.33654   // ln(FLT_MIN)
    let high: Float = 88.0       // keeps 2^n a normal float below; e^88 ≈ 1.65e38 suffices here
    var xc = x.replacing(with: high, where: x .> high)
    xc = xc.replacing(with: low, where: xc .< low)
    // Adding 1.5·2^23 rounds x·log2(e) to an integer n held in the low mantissa bits, avoiding a
    // float→int rounding instruction the baseline x86-64 target lacks.
    let magic = F8(repeating: 12_582_912)
    let t = xc * 1.442_695_04 + magic
    let n = t - magic
    // Cody–Waite split of ln 2 keeps r = x − n·ln2 exact to float precision.
    var r = xc - n * 0.693_145_751_953_125
    r = r - n * 1.428_606_765_330_187e-6
    // e^r = 1 + r + r²·R(r) on |r| ≤ ln2/2; R is a minimax fit (relative error 3e-9).
    var poly = r * 0.001_381_457_32 + 0.008_368_703_54
    poly = F8(repeating: 0.041_668_389).addingProduct(poly, r)
    poly = F8(repeating: 0.166_665_211).addingProduct(poly, r)
    poly = F8(repeating: 0.499_999_94).addingProduct(poly, r)
    let er = 1 + r + r * r * poly
    let ni = unsafeBitCast(t, to: I8.self) &- unsafeBitCast(magic, to: I8.self)
    let twoN = unsafeBitCast((ni &+ 127) &<< 23, to: F8.self)
    return (er * twoN).replacing(with: 0, where: x .< low)
}

/// erf(x) with max abs error ≈ 4e-7 (a few ulp) on all of ℝ, relative accuracy near 0.
/// erf(x) = x·P(x²)/Q(x²) on |x| ≤ 3.92, a minimax fit of relative error 2e-8 in exact
/// arithmetic; beyond 3.92, erf rounds to ±1 in float, so clamping x there is exact.
@inline(always) func erf8(_ x: F8) -> F8 {
    let bound: Float = 3.92
    var xc = x.replacing(with: bound, where: x .> bound)
    xc = xc.replacing(with: -bound, where: xc .< -bound)
    let t = xc * xc
    var num = t * 2.050_011_52e-6 + 0.000_284_877_809
    num = F8(repeating: 0.003_765_626_34).addingProduct(num, t)
    num = F8(repeating: 0.052_748_724_8).addingProduct(num, t)
    num = F8(repeating: 0.190_407_38).addingProduct(num, t)
    num = F8(repeating: 1.128_379_11).addingProduct(num, t)
    var den = t * 3.809_067_49e-5 + 0.001_162_528_41
    den = F8(repeating: 0.014_969_235_3).addingProduct(den, t)
    den = F8(repeating: 0.114_109_382).addingProduct(den, t)
    den = F8(repeating: 0.502_076_864).addingProduct(den, t)
    den = F8(repeating: 1).addingProduct(den, t)
    let r = xc * num / den
    let one = F8(repeating: 1)
    return vmax(vmin(r, one), -one)
}
