import MTSTKernels
import MTSTCompiler

/// `mtstc bench --gemm … --int8`: the rate of `Kernels.int8Linear` beside sgemm on the same shape.
extension GemmBench {
    /// `--gemm shapes`: every linear layer of all-MiniLM-L6-v2 and bert-base at batch 32 × seq 32
    /// (M = 1024 token rows), as `x · Wᵀ` with W `[N, K]`.
    public static let modelShapes: [(layer: String, shape: Shape)] = [
        ("MiniLM QKV", Shape(m: 1024, n: 1152, k: 384)),
        ("MiniLM attention out", Shape(m: 1024, n: 384, k: 384)),
        ("MiniLM FFN up", Shape(m: 1024, n: 1536, k: 384)),
        ("MiniLM FFN down", Shape(m: 1024, n: 384, k: 1536)),
        ("bert-base QKV", Shape(m: 1024, n: 2304, k: 768)),
        ("bert-base attention out", Shape(m: 1024, n: 768, k: 768)),
        ("bert-base FFN up", Shape(m: 1024, n: 3072, k: 768)),
        ("bert-base FFN down", Shape(m: 1024, n: 768, k: 3072)),
    ]

    /// Bytes of x, W (fp32 and packed), y and the quantized x, nil on overflow.
    static func int8Bytes(_ s: Shape) -> Int? {
        let floats = [s.m * s.k, s.n * s.k, s.m * s.n].map { MemoryEstimate.mappedBytes(floats: $0) ?? Int.max }
        return SizeMath.sum(floats + [s.n * s.k, s.m * s.k])
    }

    /// Billions of int8 multiply-adds ×2 per second of `Kernels.int8Linear` on `kernel`, the whole
    /// layer from fp32 x to fp32 y: per-row quantization of x, the int8 product, the dequantizing
    /// epilogue with the bias. Weights are packed once, for `kernel` (7-bit for AVX2), as at load.
    public static func int8Gops(_ s: Shape, kernel: Int8Kernel, seconds: Double, limits: PlanLimits) throws -> Double {
        precondition(!s.transA && s.transB, "int8 GEMM measures x · Wᵀ")
        let needed = int8Bytes(s)
        guard let needed, needed <= limits.maxMemory else {
            throw BenchError.memory(needed: needed ?? Int.max, limit: limits.maxMemory, breakdown: "x, W, y of \(s.m)×\(s.k), \(s.n)×\(s.k), \(s.m)×\(s.n) floats and their int8 copies")
        }
        let x = try AlignedBuffer(count: s.m * s.k), y = try AlignedBuffer(count: s.m * s.n), bias = try AlignedBuffer(count: s.n)
        var rng = SplitMix64(seed: 1)
        for i in 0..<x.count { x.pointer[i] = Float(rng.next() % 1000) / 1000 - 0.5 }
        for i in 0..<bias.count { bias.pointer[i] = Float(rng.next() % 1000) / 1000 - 0.5 }
        let packed: Int8PackedWeights
        do {
            let w = try AlignedBuffer(count: s.n * s.k)
            for i in 0..<w.count { w.pointer[i] = Float(rng.next() % 1000) / 1000 - 0.5 }
            packed = Int8PackedWeights(weights: w.pointer, outputs: s.n, inputs: s.k, for: kernel)
        }
        let workspace = Int8Workspace()
        func run() {
            Kernels.int8Linear(x.pointer, rows: s.m, ldx: s.k, weights: packed, bias: bias.pointer, epilogue: .bias,
                               output: y.pointer, ldo: s.n, workspace: workspace, kernel: kernel)
        }
        run()
        run()
        let measured = TimedLoop.run(iterations: 5, seconds: seconds, run)
        return 2 * Double(s.m) * Double(s.n) * Double(s.k) * Double(measured.iterations) / measured.seconds / 1e9
    }
}
