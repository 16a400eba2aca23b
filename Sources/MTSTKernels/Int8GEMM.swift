// Int8 linear layers for the quantized inference program (`compile --quantize int8`).
//
// y = epilogue(dequant(q(x) · q(W)ᵀ)), with
// - W `[n, k]` (BERT's `[out, in]`) quantized once per output channel, symmetric:
//   W[j, :] ≈ wScale[j] · Wq[j, :], Wq ∈ [−127, 127] ([−63, 63] for the AVX2 kernel, whose
//   16-bit pair sums would saturate otherwise: Int8Kernel.weightLimit);
// - x `[m, k]` quantized per row on the fly, asymmetric unsigned:
//   x[i, :] ≈ xScale[i] · (Xq[i, :] − xZero[i]), Xq ∈ [0, 255];
// - the int32 product dequantized with the zero-point compensation
//   y[i, j] = xScale[i] · wScale[j] · (Σ_k Xq[i,k]·Wq[j,k] − xZero[i] · Σ_k Wq[j,k]),
//   then the bias and, where fused, GELU added in the same pass.
//
// This file is the contract and the scalar reference every optimized kernel is tested against;
// Int8Linear.swift runs the kernels of Sources/CInt8 (Int8Kernel.swift chooses the variant).

/// What the int8 GEMM applies to its dequantized output before it stores it.
public enum Int8Epilogue: String, Codable, Sendable, CaseIterable {
    /// y = dequant(acc): the bias is added later (by SkipLayerNorm).
    case none
    /// y = dequant(acc) + bias.
    case bias
    /// y = gelu(dequant(acc) + bias), exact (erf) GELU as `Kernels.biasGelu`.
    case biasGelu = "bias_gelu"
}

/// One linear layer's weights, quantized per output channel and packed for the int8 GEMM.
/// Built once (at load); immutable afterwards, so one instance may serve concurrent runs.
///
/// Layout (Sources/CInt8/include/CInt8.h): output channels in panels of 16, k padded to a
/// multiple of 4 and stored as groups of 4 inputs, so one 64-byte group is one zmm of 16 int32
/// lanes × 4 products; zero in the padding of both k and n.
public final class Int8PackedWeights: @unchecked Sendable {
    /// Output channels (n) and input features (k).
    public let outputs: Int
    public let inputs: Int
    /// Per output channel: W[j, :] ≈ scales[j] · Wq[j, :].
    public let scales: [Float]
    /// Per output channel: Σ_k Wq[j, k], for the activation zero-point compensation.
    public let columnSums: [Int32]
    /// The largest |Wq| (127, or 63 when packed for the AVX2 kernel: `Int8Kernel.weightLimit`).
    public let weightLimit: Int32
    /// k rounded up to a multiple of 4: the bytes every quantized activation row must have
    /// readable for `Kernels.int8Linear(quantized:…)` (the padding's values do not matter).
    public let paddedInputs: Int
    /// n rounded up to a multiple of 16.
    let paddedOutputs: Int
    /// The packed Wq, 64-byte aligned, `paddedOutputs · paddedInputs` bytes.
    let packed: UnsafeMutablePointer<Int8>
    /// `scales` and `columnSums` padded to `paddedOutputs` (zeros), so SIMD epilogues may read
    /// whole panels.
    let paddedScales: [Float]
    let paddedSums: [Int32]

    /// Quantizes `weights` (row-major `[outputs, inputs]`) for the kernel calls will use by
    /// default (`Kernels.int8Kernel`).
    public convenience init(weights: UnsafePointer<Float>, outputs: Int, inputs: Int) {
        self.init(weights: weights, outputs: outputs, inputs: inputs, for: Kernels.int8Kernel)
    }

    /// Quantizes `weights` (row-major `[outputs, inputs]`) to `kernel.weightLimit` levels per
    /// sign: 127, or 63 for the AVX2 kernel, whose 16-bit pair sums would otherwise saturate.
    public init(weights: UnsafePointer<Float>, outputs: Int, inputs: Int, for kernel: Int8Kernel) {
        precondition(outputs > 0 && inputs > 0, "int8 weights: empty matrix")
        self.outputs = outputs
        self.inputs = inputs
        let limit = kernel.weightLimit
        weightLimit = limit
        let kp = (inputs + 3) / 4 * 4, np = (outputs + 15) / 16 * 16
        paddedInputs = kp
        paddedOutputs = np
        let raw = UnsafeMutableRawPointer.allocate(byteCount: kp * np, alignment: 64)
        raw.initializeMemory(as: Int8.self, repeating: 0, count: kp * np)
        packed = raw.assumingMemoryBound(to: Int8.self)
        var scales = [Float](repeating: 0, count: np)
        var sums = [Int32](repeating: 0, count: np)
        for j in 0..<outputs {
            let row = weights + j * inputs
            var maxAbs: Float = 0
            for c in 0..<inputs { maxAbs = max(maxAbs, abs(row[c])) }
            let scale = maxAbs > 0 ? maxAbs / Float(limit) : 1
            scales[j] = scale
            var sum: Int32 = 0
            for c in 0..<inputs {
                let v = Int8(max(-Float(limit), min(Float(limit), (row[c] / scale).rounded())))
                packed[Self.offset(j, c, kp)] = v
                sum += Int32(v)
            }
            sums[j] = sum
        }
        paddedScales = scales
        paddedSums = sums
        self.scales = Array(scales[0..<outputs])
        self.columnSums = Array(sums[0..<outputs])
    }

    deinit { packed.deallocate() }

    /// Byte of Wq[j, c] in the packed layout.
    @inline(__always) static func offset(_ j: Int, _ c: Int, _ paddedInputs: Int) -> Int {
        ((j >> 4) * (paddedInputs >> 2) + (c >> 2)) * 64 + (j & 15) * 4 + (c & 3)
    }

    /// Wq[j, c].
    @inline(__always) func quantized(_ j: Int, _ c: Int) -> Int8 { packed[Self.offset(j, c, paddedInputs)] }

    /// The dequantized weights `scales[j] · Wq[j, c]`, row-major `[n, k]` (for tests and the guard).
    public func dequantized() -> [Float] {
        var out = [Float](repeating: 0, count: outputs * inputs)
        for j in 0..<outputs { for c in 0..<inputs { out[j * inputs + c] = scales[j] * Float(quantized(j, c)) } }
        return out
    }
}

/// Scratch the int8 GEMM quantizes activations into; grows to the largest call and is then
/// reused, so a run allocates nothing. One per executor (not shared between threads that run
/// programs concurrently).
public final class Int8Workspace: @unchecked Sendable {
    var bytes: [UInt8] = []
    var rowScales: [Float] = []
    var rowZeros: [Int32] = []
    public init() {}

    /// Room for `rows` quantized rows of `cols` bytes (the GEMM uses `cols` = padded k).
    func reserve(rows: Int, cols: Int) {
        if bytes.count < rows * cols { bytes = [UInt8](repeating: 0, count: rows * cols) }
        if rowScales.count < rows {
            rowScales = [Float](repeating: 0, count: rows)
            rowZeros = [Int32](repeating: 0, count: rows)
        }
    }
}

extension Kernels {
    /// `output[m, n] = epilogue(x · Wᵀ)` in int8 arithmetic — the entry point programs call.
    /// Runs `Kernels.int8Kernel` (Int8Linear.swift); tested against `int8LinearReference`.
    public static func int8Linear(
        _ x: UnsafePointer<Float>, rows: Int, ldx: Int, weights: Int8PackedWeights,
        bias: UnsafePointer<Float>?, epilogue: Int8Epilogue,
        output: UnsafeMutablePointer<Float>, ldo: Int, workspace: Int8Workspace
    ) {
        int8Linear(x, rows: rows, ldx: ldx, weights: weights, bias: bias, epilogue: epilogue,
                   output: output, ldo: ldo, workspace: workspace, kernel: int8Kernel)
    }

    /// x row-major `[rows, cols]` (row stride `ldx`) → unsigned 8-bit per row, with the scale and
    /// zero point that map it back: x ≈ scale · (q − zero). The range always includes 0. Elements
    /// are multiplied by 1/scale (as the SIMD kernels do) and rounded half away from zero.
    public static func quantizeRowsReference(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int, ldx: Int,
        _ q: UnsafeMutablePointer<UInt8>, scales: UnsafeMutablePointer<Float>, zeros: UnsafeMutablePointer<Int32>
    ) {
        for r in 0..<rows {
            let row = x + r * ldx
            var lo: Float = 0, hi: Float = 0
            for c in 0..<cols { lo = min(lo, row[c]); hi = max(hi, row[c]) }
            let scale = hi > lo ? (hi - lo) / 255 : 1
            let zero = Int32(max(0, min(255, (-lo / scale).rounded())))
            let inverse = 1 / scale
            scales[r] = scale
            zeros[r] = zero
            for c in 0..<cols {
                q[r * cols + c] = UInt8(max(0, min(255, (row[c] * inverse).rounded() + Float(zero))))
            }
        }
    }

    /// `output[m, n] = epilogue(x · Wᵀ)` in int8 arithmetic: x `[rows, k]` (stride `ldx`) is
    /// quantized per row into `workspace`, multiplied by the packed weights in int32, and
    /// dequantized with the bias (and GELU) in one pass. Scalar reference implementation.
    public static func int8LinearReference(
        _ x: UnsafePointer<Float>, rows: Int, ldx: Int, weights w: Int8PackedWeights,
        bias: UnsafePointer<Float>?, epilogue: Int8Epilogue,
        output: UnsafeMutablePointer<Float>, ldo: Int, workspace: Int8Workspace
    ) {
        let (n, k) = (w.outputs, w.inputs)
        precondition(epilogue == .none || bias != nil, "int8 linear: epilogue \(epilogue) without a bias")
        guard rows > 0 else { return }
        workspace.reserve(rows: rows, cols: k)
        workspace.bytes.withUnsafeMutableBufferPointer { q in
            workspace.rowScales.withUnsafeMutableBufferPointer { s in
                workspace.rowZeros.withUnsafeMutableBufferPointer { z in
                    quantizeRowsReference(x, rows: rows, cols: k, ldx: ldx, q.baseAddress!, scales: s.baseAddress!, zeros: z.baseAddress!)
                    for i in 0..<rows {
                        let out = output + i * ldo
                        for j in 0..<n {
                            var acc: Int32 = 0
                            for c in 0..<k { acc &+= Int32(q[i * k + c]) * Int32(w.quantized(j, c)) }
                            acc &-= z[i] &* w.columnSums[j]
                            out[j] = s[i] * w.scales[j] * Float(acc)
                            if epilogue != .none { out[j] += bias![j] }
                        }
                        if epilogue == .biasGelu {
                            // gelu(v) row-wise through the shipped kernel, so both precisions share it.
                            Kernels.gelu(UnsafePointer(out), out, count: n)
                        }
                    }
                }
            }
        }
    }
}
