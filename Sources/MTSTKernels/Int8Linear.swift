import CInt8

// The fast int8 linear layer: SIMD row quantization and the C kernels (Sources/CInt8), split
// over the worker pool. Every output element is computed whole by one kernel call (exact int32
// sums, then the same float epilogue), so results do not depend on the split or the variant.

extension Kernels {
    /// Rows per unit of a row split: a multiple of every variant's register tile (4 or 6 rows).
    static let int8RowUnit = 24

    /// `int8Linear` on a named kernel variant (tests; `bench --gemm`). An AVX2 call on weights
    /// packed with 8-bit values runs the scalar kernel instead, which is exact on them.
    public static func int8Linear(
        _ x: UnsafePointer<Float>, rows: Int, ldx: Int, weights w: Int8PackedWeights,
        bias: UnsafePointer<Float>?, epilogue: Int8Epilogue,
        output: UnsafeMutablePointer<Float>, ldo: Int, workspace: Int8Workspace, kernel: Int8Kernel
    ) {
        precondition(epilogue == .none || bias != nil, "int8 linear: epilogue \(epilogue) without a bias")
        precondition(ldx >= w.inputs && ldo >= w.outputs, "int8 linear: row strides below the widths")
        guard rows > 0 else { return }
        let kernel = runnable(kernel, w)
        let kp = w.paddedInputs
        workspace.reserve(rows: rows, cols: kp)
        workspace.bytes.withUnsafeMutableBufferPointer { q in
            workspace.rowScales.withUnsafeMutableBufferPointer { s in
                workspace.rowZeros.withUnsafeMutableBufferPointer { z in
                    let (q, s, z) = (q.baseAddress!, s.baseAddress!, z.baseAddress!)
                    if splitsRows(rows: rows, weights: w, kernel: kernel) {
                        // Each range quantizes its own rows, then multiplies them while they are in cache.
                        parallelRanges(rows, work: 2 * rows * w.outputs * w.inputs, granularity: int8RowUnit) { r in
                            mtst_i8_quantize_rows(kernel.code, x + r.lowerBound * ldx, r.count, w.inputs, ldx,
                                                  q + r.lowerBound * kp, kp, s + r.lowerBound, z + r.lowerBound)
                            gemm(kernel, q + r.lowerBound * kp, ldq: kp, s + r.lowerBound, z + r.lowerBound, rows: r.count,
                                 w, columns: 0..<w.outputs, bias, epilogue, output + r.lowerBound * ldo, ldo: ldo)
                        }
                    } else {
                        quantizeRows(x, rows: rows, cols: w.inputs, ldx: ldx, q, ldq: kp, scales: s, zeros: z, kernel: kernel)
                        gemmColumns(kernel, q, ldq: kp, s, z, rows: rows, w, bias, epilogue, output, ldo: ldo)
                    }
                }
            }
        }
    }

    /// `output = epilogue(dequant(xq · Wqᵀ))` on activations already quantized per row (by
    /// `quantizeRows`, or fused into the op that produced them): row i is `xq[i·ldq ..< i·ldq +
    /// weights.paddedInputs]` with `x[i, c] ≈ rowScales[i] · (xq[i, c] − rowZeros[i])`. Bytes past
    /// k in each row may hold anything (the weights there are zero), but must be readable.
    public static func int8Linear(
        quantized xq: UnsafePointer<UInt8>, ldq: Int, rowScales: UnsafePointer<Float>, rowZeros: UnsafePointer<Int32>,
        rows: Int, weights w: Int8PackedWeights, bias: UnsafePointer<Float>?, epilogue: Int8Epilogue,
        output: UnsafeMutablePointer<Float>, ldo: Int, kernel: Int8Kernel = Kernels.int8Kernel
    ) {
        precondition(epilogue == .none || bias != nil, "int8 linear: epilogue \(epilogue) without a bias")
        precondition(ldq >= w.paddedInputs && ldo >= w.outputs, "int8 linear: row strides below the widths")
        guard rows > 0 else { return }
        let kernel = runnable(kernel, w)
        if splitsRows(rows: rows, weights: w, kernel: kernel) {
            parallelRanges(rows, work: 2 * rows * w.outputs * w.inputs, granularity: int8RowUnit) { r in
                gemm(kernel, xq + r.lowerBound * ldq, ldq: ldq, rowScales + r.lowerBound, rowZeros + r.lowerBound,
                     rows: r.count, w, columns: 0..<w.outputs, bias, epilogue, output + r.lowerBound * ldo, ldo: ldo)
            }
        } else {
            gemmColumns(kernel, xq, ldq: ldq, rowScales, rowZeros, rows: rows, w, bias, epilogue, output, ldo: ldo)
        }
    }

    /// x row-major `[rows, cols]` (row stride `ldx`) → unsigned 8-bit rows of stride `ldq ≥ cols`
    /// with x ≈ scales[r] · (q − zeros[r]), exactly as `quantizeRowsReference` (SIMD min/max,
    /// multiplication by 1/scale, rounding half away from zero). Bytes `cols ..< min(ldq, cols rounded up to 4)`
    /// are set to 0, so a buffer of stride `weights.paddedInputs` feeds `int8Linear(quantized:…)`.
    public static func quantizeRows(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int, ldx: Int,
        _ q: UnsafeMutablePointer<UInt8>, ldq: Int, scales: UnsafeMutablePointer<Float>, zeros: UnsafeMutablePointer<Int32>,
        kernel: Int8Kernel = Kernels.int8Kernel
    ) {
        precondition(ldx >= cols && ldq >= cols, "quantizeRows: row strides below the width")
        parallelRanges(rows, work: 8 * rows * cols) { r in
            mtst_i8_quantize_rows(kernel.code, x + r.lowerBound * ldx, r.count, cols, ldx,
                                  q + r.lowerBound * ldq, ldq, scales + r.lowerBound, zeros + r.lowerBound)
        }
    }

    /// The variant that runs `w` exactly: AVX2 only multiplies 7-bit weights.
    static func runnable(_ kernel: Int8Kernel, _ w: Int8PackedWeights) -> Int8Kernel {
        precondition(kernel.isSupported, "int8 kernel \(kernel.rawValue) is not supported on this CPU")
        return w.weightLimit > kernel.weightLimit ? .scalar : kernel
    }

    /// Rows when there are enough for every core to get a few register tiles (each thread then
    /// reads all the weights once), else output columns (m = 1 … a short batch).
    static func splitsRows(rows: Int, weights w: Int8PackedWeights, kernel: Int8Kernel) -> Bool {
        let rowUnits = (rows + int8RowUnit - 1) / int8RowUnit
        let columnUnits = (w.outputs + kernel.columnBlock - 1) / kernel.columnBlock
        return rowUnits >= 2 * coreCount || rowUnits >= columnUnits
    }

    private static func gemmColumns(
        _ kernel: Int8Kernel, _ xq: UnsafePointer<UInt8>, ldq: Int, _ xs: UnsafePointer<Float>, _ xz: UnsafePointer<Int32>,
        rows: Int, _ w: Int8PackedWeights, _ bias: UnsafePointer<Float>?, _ epilogue: Int8Epilogue,
        _ output: UnsafeMutablePointer<Float>, ldo: Int
    ) {
        let block = kernel.columnBlock
        parallelRanges(w.outputs, work: 2 * rows * w.outputs * w.inputs, granularity: block) { c in
            gemm(kernel, xq, ldq: ldq, xs, xz, rows: rows, w, columns: c, bias, epilogue, output, ldo: ldo)
        }
    }

    @inline(__always) private static func gemm(
        _ kernel: Int8Kernel, _ xq: UnsafePointer<UInt8>, ldq: Int, _ xs: UnsafePointer<Float>, _ xz: UnsafePointer<Int32>,
        rows: Int, _ w: Int8PackedWeights, columns: Range<Int>, _ bias: UnsafePointer<Float>?, _ epilogue: Int8Epilogue,
        _ output: UnsafeMutablePointer<Float>, ldo: Int
    ) {
        w.paddedScales.withUnsafeBufferPointer { ws in
            w.paddedSums.withUnsafeBufferPointer { cs in
                mtst_i8_gemm(kernel.code, xq, ldq, xs, xz, rows, w.packed, w.paddedInputs, w.outputs,
                             columns.lowerBound, columns.upperBound, ws.baseAddress!, cs.baseAddress!,
                             bias, epilogue.code, output, ldo)
            }
        }
    }
}

extension Int8Epilogue {
    /// The value CInt8 takes (MTST_I8_EPI_*).
    var code: Int32 {
        switch self {
        case .none: Int32(MTST_I8_EPI_NONE)
        case .bias: Int32(MTST_I8_EPI_BIAS)
        case .biasGelu: Int32(MTST_I8_EPI_BIAS_GELU)
        }
    }
}
