// Vector access helpers. Swift's SIMD types lower to LLVM vectors, but only some operations do
// so reliably: arithmetic, comparisons, `replacing(with:where:)` and integer bit operations.
// `pointwiseMin/Max` are not inlined, and `squareRoot()` vectorises only because Package.swift
// passes -fno-math-errno; the kernels use `vmin`/`vmax` below instead of the former.
// Helpers are `@inline(always)`: `@inline(__always)` is only a hint in Swift 6.3, and an
// out-of-line call taking SIMD8 values in the middle of a hot loop costs more than the math.

typealias F8 = SIMD8<Float>
typealias I8 = SIMD8<Int32>
typealias U8 = SIMD8<UInt32>

@inline(always) func load8(_ p: UnsafePointer<Float>) -> F8 {
    UnsafeRawPointer(p).loadUnaligned(as: F8.self)
}

@inline(always) func load8(_ p: UnsafeMutablePointer<Float>) -> F8 {
    UnsafeRawPointer(p).loadUnaligned(as: F8.self)
}

@inline(always) func store8(_ v: F8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: F8.self)
}

/// Loads the first `n` (< 8) lanes, the rest set to `fill`, so ragged tails reuse the vector code
/// and give bit-identical results to full blocks.
@inline(always) func loadPartial8(_ p: UnsafePointer<Float>, _ n: Int, fill: Float = 0) -> F8 {
    var v = F8(repeating: fill)
    for j in 0..<n { v[j] = p[j] }
    return v
}

@inline(always) func loadPartial8(_ p: UnsafeMutablePointer<Float>, _ n: Int, fill: Float = 0) -> F8 {
    loadPartial8(UnsafePointer(p), n, fill: fill)
}

@inline(always) func storePartial8(_ v: F8, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
    for j in 0..<n { p[j] = v[j] }
}

@inline(always) func vmax(_ a: F8, _ b: F8) -> F8 { a.replacing(with: b, where: a .< b) }
@inline(always) func vmin(_ a: F8, _ b: F8) -> F8 { a.replacing(with: b, where: b .< a) }

/// Horizontal sum as a tree: three dependent adds instead of seven.
@inline(always) func hsum(_ v: F8) -> Float {
    let a = v.lowHalf + v.highHalf
    let b = a.lowHalf + a.highHalf
    return b[0] + b[1]
}

@inline(always) func hmax(_ v: F8) -> Float {
    let a = v.lowHalf.replacing(with: v.highHalf, where: v.lowHalf .< v.highHalf)
    let b = a.lowHalf.replacing(with: a.highHalf, where: a.lowHalf .< a.highHalf)
    return b[0] < b[1] ? b[1] : b[0]
}

/// `load8`/`store8` for a block of `lanes` ≤ 8 floats. Kernels write their loop body once as a
/// local `@inline(always)` function of (offset, lanes), call it with the constant 8 in the main
/// loop (where the partial branch folds away) and once more for the tail.
@inline(always) func load8(_ p: UnsafePointer<Float>, _ lanes: Int) -> F8 {
    lanes == 8 ? load8(p) : loadPartial8(p, lanes)
}

@inline(always) func load8(_ p: UnsafeMutablePointer<Float>, _ lanes: Int) -> F8 {
    load8(UnsafePointer(p), lanes)
}

@inline(always) func store8(_ v: F8, _ p: UnsafeMutablePointer<Float>, _ lanes: Int) {
    if lanes == 8 { store8(v, p) } else { storePartial8(v, p, lanes) }
}

// Element-wise maps for small closures, which the optimiser inlines (checked in the release
// disassembly). Closures it declines to inline become a call per block, so heavier loop bodies
// use the local-function pattern above instead.

@inline(always) func map8(
    _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ range: Range<Int>, _ f: (F8) -> F8
) {
    var i = range.lowerBound
    while i + 8 <= range.upperBound { store8(f(load8(x + i)), out + i); i += 8 }
    let rest = range.upperBound - i
    if rest > 0 { storePartial8(f(loadPartial8(x + i, rest)), out + i, rest) }
}

@inline(always) func map8(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    _ range: Range<Int>, _ f: (F8, F8) -> F8
) {
    var i = range.lowerBound
    while i + 8 <= range.upperBound { store8(f(load8(a + i), load8(b + i)), out + i); i += 8 }
    let rest = range.upperBound - i
    if rest > 0 { storePartial8(f(loadPartial8(a + i, rest), loadPartial8(b + i, rest)), out + i, rest) }
}

@inline(always) func map8(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
    _ out: UnsafeMutablePointer<Float>, _ range: Range<Int>, _ f: (F8, F8, F8) -> F8
) {
    var i = range.lowerBound
    while i + 8 <= range.upperBound { store8(f(load8(a + i), load8(b + i), load8(c + i)), out + i); i += 8 }
    let rest = range.upperBound - i
    if rest > 0 {
        storePartial8(f(loadPartial8(a + i, rest), loadPartial8(b + i, rest), loadPartial8(c + i, rest)), out + i, rest)
    }
}
