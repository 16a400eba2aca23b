import Foundation
import MTSTKernels
import MTSTCompiler
import MTSTRuntime

/// `mtstc bench --gemm M,N,K[,NT]`: the sgemm rate of the linked BLAS on one shape, the
/// ceiling the roofline notes in Docs/BENCHMARKS.md compare against.
enum GemmBench {
    struct Shape {
        var m, n, k: Int
        var transA = false, transB = true
    }

    static func parse(_ text: String) -> Shape? {
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

    static func gflops(_ s: Shape, seconds: Double, limits: PlanLimits) throws -> Double {
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
        var iterations = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while iterations < 5 || elapsed < seconds {
            run()
            iterations += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
        return 2 * Double(s.m) * Double(s.n) * Double(s.k) * Double(iterations) / elapsed / 1e9
    }
}
