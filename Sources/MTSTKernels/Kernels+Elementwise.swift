extension Kernels {
    public static func copy(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        parallelRanges(count, work: count, granularity: 1024) { r in
            (out + r.lowerBound).update(from: x + r.lowerBound, count: r.count)
        }
    }

    public static func fill(_ out: UnsafeMutablePointer<Float>, value: Float, count: Int) {
        parallelRanges(count, work: count, granularity: 1024) { r in
            (out + r.lowerBound).update(repeating: value, count: r.count)
        }
    }

    /// out = a + b; out may alias a or b.
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        parallelRanges(count, work: count, granularity: 8) { r in map8(a, b, out, r) { $0 + $1 } }
    }

    /// y += x.
    public static func accumulate(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        parallelRanges(count, work: count, granularity: 8) { r in map8(x, y, y, r) { $0 + $1 } }
    }

    /// out = s·x; may alias.
    public static func scale(_ x: UnsafePointer<Float>, by s: Float, _ out: UnsafeMutablePointer<Float>, count: Int) {
        parallelRanges(count, work: count, granularity: 8) { r in map8(x, out, r) { $0 * s } }
    }

    /// out[r, c] = x[r, c] + bias[c]; may alias.
    public static func biasAdd(
        _ x: UnsafePointer<Float>, bias: UnsafePointer<Float>, rows: Int, cols: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(rows, work: rows * cols) { rs in
            for r in rs { map8(x + r * cols, bias, out + r * cols, 0..<cols) { $0 + $1 } }
        }
    }

    /// out[c] = Σ_r x[r, c] (or += with `accumulate`): the bias gradient.
    public static func sumRows(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int, _ out: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        // Split by columns so each thread owns its slice of `out`, no partial sums to merge.
        parallelRanges(cols, work: rows * cols, granularity: 8) { cs in
            if !accumulate { (out + cs.lowerBound).update(repeating: 0, count: cs.count) }
            guard rows > 0 else { return }
            // Columns in blocks of 64: 8 accumulators stay in registers over all rows.
            var c0 = cs.lowerBound
            while c0 < cs.upperBound {
                let width = min(64, cs.upperBound - c0)
                if width == 64 {
                    var acc = (load8(out + c0), load8(out + c0 + 8), load8(out + c0 + 16), load8(out + c0 + 24),
                               load8(out + c0 + 32), load8(out + c0 + 40), load8(out + c0 + 48), load8(out + c0 + 56))
                    for r in 0..<rows {
                        let p = x + r * cols + c0
                        acc.0 += load8(p); acc.1 += load8(p + 8); acc.2 += load8(p + 16); acc.3 += load8(p + 24)
                        acc.4 += load8(p + 32); acc.5 += load8(p + 40); acc.6 += load8(p + 48); acc.7 += load8(p + 56)
                    }
                    store8(acc.0, out + c0); store8(acc.1, out + c0 + 8); store8(acc.2, out + c0 + 16)
                    store8(acc.3, out + c0 + 24); store8(acc.4, out + c0 + 32); store8(acc.5, out + c0 + 40)
                    store8(acc.6, out + c0 + 48); store8(acc.7, out + c0 + 56)
                } else {
                    for r in 0..<rows { map8(x + r * cols + c0, out + c0, out + c0, 0..<width) { $0 + $1 } }
                }
                c0 += width
            }
        }
    }

    /// Places `parts[i]` (each [rows, widths[i]]) side by side: out is [rows, Σ widths].
    public static func concatColumns(
        _ parts: [UnsafePointer<Float>], widths: [Int], rows: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        parts.withUnsafeBufferPointer { concatColumns($0, widths: widths, rows: rows, out) }
    }

    /// The same for the executor's mutable input pointers, without copying them into a new array.
    public static func concatColumns(
        _ parts: [UnsafeMutablePointer<Float>], widths: [Int], rows: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        parts.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<Float>.self) { concatColumns($0, widths: widths, rows: rows, out) }
        }
    }

    static func concatColumns(
        _ parts: UnsafeBufferPointer<UnsafePointer<Float>>, widths: [Int], rows: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        precondition(parts.count == widths.count, "concatColumns: parts and widths differ in count")
        let total = widths.reduce(0, +)
        do {
            widths.withUnsafeBufferPointer { widths in
                parallelRanges(rows, work: rows * total) { rs in
                    for r in rs {
                        var offset = 0
                        for (part, width) in zip(parts, widths) {
                            (out + r * total + offset).update(from: part + r * width, count: width)
                            offset += width
                        }
                    }
                }
            }
        }
    }
}
