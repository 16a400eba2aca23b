import MTSTKernels
import MTSTCompiler

/// `mtstc bench --gemm M,N,K[,NT]`: the sgemm rate of the linked BLAS on one shape, the
/// ceiling the roofline notes in Docs/BENCHMARKS.md compare against.
public enum GemmBench {
    public struct Shape: Sendable, Equatable {
        public var m, n, k: Int
        public var transA = false, transB = true

        public init(m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = true) {
            self.m = m
            self.n = n
            self.k = k
            self.transA = transA
            self.transB = transB
        }
    }

    /// `M,N,K` or `M,N,K,NT` (transposes of A and B), nil when malformed.
    public static func parse(_ text: String) -> Shape? {
        let parts = text.split(separator: ",")
        // BLAS takes 32-bit sizes.
        guard parts.count == 3 || parts.count == 4, let m = Int32(parts[0]), let n = Int32(parts[1]), let k = Int32(parts[2]),
              m > 0, n > 0, k > 0 else { return nil }
        var s = Shape(m: Int(m), n: Int(n), k: Int(k))
        if parts.count == 4 {
            guard parts[3].count == 2, parts[3].allSatisfy({ $0 == "N" || $0 == "T" }) else { return nil }
            s.transA = parts[3].first == "T"
            s.transB = parts[3].last == "T"
        }
        return s
    }

    /// Bytes of A, B and C, nil on overflow.
    static func bytes(_ s: Shape) -> Int? {
        let floats = [s.m * s.k, s.k * s.n, s.m * s.n].map { MemoryEstimate.mappedBytes(floats: $0) }
        return SizeMath.sum(floats.map { $0 ?? Int.max })
    }

    /// GFLOP/s of `C = op(A)·op(B)` over at least five calls and `seconds` seconds, after two warm-up calls.
    public static func gflops(_ s: Shape, seconds: Double, limits: PlanLimits) throws -> Double {
        // Each of m, n, k is below 2^31, so their pairwise products fit; the three matrices must fit in memory.
        let needed = bytes(s)
        guard let needed, needed <= limits.maxMemory else {
            throw BenchError.memory(needed: needed ?? Int.max, limit: limits.maxMemory, breakdown: "A, B and C of \(s.m)×\(s.k), \(s.k)×\(s.n), \(s.m)×\(s.n) floats")
        }
        _ = BLASInfo.configureThreads  // as the executor does: BLIS would otherwise run on one core
        let a = try AlignedBuffer(count: s.m * s.k), b = try AlignedBuffer(count: s.k * s.n), c = try AlignedBuffer(count: s.m * s.n)
        var rng = SplitMix64(seed: 1)
        for i in 0..<a.count { a.pointer[i] = Float(rng.next() % 1000) / 1000 - 0.5 }
        for i in 0..<b.count { b.pointer[i] = Float(rng.next() % 1000) / 1000 - 0.5 }
        func run() {
            Kernels.gemm(transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, alpha: 1, a: a.pointer,
                         lda: s.transA ? s.m : s.k, b: b.pointer, ldb: s.transB ? s.k : s.n, beta: 0, c: c.pointer, ldc: s.n)
        }
        run()
        run()
        let measured = TimedLoop.run(iterations: 5, seconds: seconds, run)
        return 2 * Double(s.m) * Double(s.n) * Double(s.k) * Double(measured.iterations) / measured.seconds / 1e9
    }
}
