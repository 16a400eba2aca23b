/// Decodes a float-encoded index. Floats hold every integer below 2^24 exactly; anything negative,
/// NaN or larger cannot be a real id or label, so it is reported as absent rather than trapping.
@inline(__always) func decodeIndex(_ f: Float) -> Int? {
    f >= 0 && f < 16_777_216 ? Int(f) : nil
}

extension Kernels {
    /// out[i, :] = table[ids[i], :]. An id that is not a non-negative integer gives a zero row.
    /// The table's row count is not known here: the caller validates ids against the vocabulary.
    public static func gather(
        table: UnsafePointer<Float>, width: Int, ids: UnsafePointer<Float>, count: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(count, work: count * width) { rs in
            for i in rs {
                let dst = out + i * width
                if let id = decodeIndex(ids[i]) {
                    dst.update(from: table + id * width, count: width)
                } else {
                    dst.update(repeating: 0, count: width)
                }
            }
        }
    }

    /// table[ids[i], :] += dy[i, :]; rows with an invalid id are skipped.
    public static func scatterAdd(
        _ dy: UnsafePointer<Float>, ids: UnsafePointer<Float>, count: Int, width: Int, table: UnsafeMutablePointer<Float>
    ) {
        // Ids repeat, so threads split the columns rather than the rows: no two write one element.
        parallelRanges(width, work: count * width, granularity: 8) { cs in
            for i in 0..<count {
                guard let id = decodeIndex(ids[i]) else { continue }
                let dst = table + id * width + cs.lowerBound
                map8(dy + i * width + cs.lowerBound, dst, dst, 0..<cs.count) { $0 + $1 }
            }
        }
    }
}
