import ArgumentParser
import Foundation
import MTSTDistributed
import MTSTRuntime
import MTSTKernels

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure sentences per second and peak memory on synthetic batches of the plan's model.",
        discussion: """
            Under mpirun the batch is the global batch: each rank computes its share, training steps all-reduce \
            the gradients, and rank 0 alone prints the global rate (sentences_per_second = batch / step time).
            """)

    @Option(name: .long, help: "Compiled plan.") var graph: String?
    @Option(help: "Instead of a model, measure the BLAS sgemm rate on M,N,K[,NT|NN|TN|TT] (default NT), or on every linear layer of MiniLM and bert-base at 32×32 tokens ('shapes').") var gemm: String?
    @Flag(help: "With --gemm: also measure the int8 GEMM (quantize x, int8 product, dequantize + bias) on each kernel variant this CPU runs.") var int8 = false
    @Option(help: "The int8 kernel variant to run (\(Int8Kernel.allCases.map(\.rawValue).joined(separator: ", "))); default: the fastest this CPU runs.") var int8Kernel: String?
    @Option(help: "Sentences per batch.") var batch: Int = 32
    @Option(help: "Tokens per sentence (including [CLS] and [SEP]).") var seq: Int = 32
    @Flag(help: "Time full training steps (forward, backward, AdamW) instead of inference.") var train = false
    @Option(help: "With --train: time the training program of this gradual-unfreezing phase (0 = from epoch 0; compile lists them) instead of the full one.") var phase: Int?
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: "Print time per op kind.") var profile = false
    @Option(help: "Minimum measured seconds.") var seconds: Double = 5
    @Option(help: "Minimum measured iterations.") var iterations: Int = 3
    @OptionGroup var memory: MemoryOption
    @OptionGroup var threads: ThreadsOption
    @OptionGroup var precision: PrecisionOption

    func validate() throws {
        if gemm == nil, graph == nil { throw ValidationError("give --graph PLAN (or --gemm M,N,K)") }
        if let gemm, gemm != "shapes", GemmBench.parse(gemm) == nil {
            throw ValidationError("--gemm expects M,N,K or M,N,K,NT with each size from 1 to 2147483647")
        }
        if int8 {
            guard let gemm else { throw ValidationError("--int8 measures GEMMs: add --gemm M,N,K or --gemm shapes") }
            if let shape = GemmBench.parse(gemm), shape.transA || !shape.transB {
                throw ValidationError("--int8 measures x · Wᵀ: give --gemm M,N,K or M,N,K,NT")
            }
        }
        if let int8Kernel {
            guard let kernel = Int8Kernel(rawValue: int8Kernel) else {
                throw ValidationError("--int8-kernel expects one of \(Int8Kernel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard kernel.isSupported else {
                throw ValidationError("--int8-kernel \(int8Kernel): this CPU does not run it (it runs \(Int8Kernel.supported.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        if batch < 1 || seq < 2 { throw ValidationError("--batch must be ≥ 1 and --seq ≥ 2") }
        if train, precision.precision == .int8 { throw ValidationError("--precision int8 times inference: training programs are fp32") }
        if let phase {
            if !train { throw ValidationError("--phase times a training phase: add --train") }
            if phase < 0 { throw ValidationError("--phase must be ≥ 0") }
        }
    }

    func run() throws {
        try threads.apply()
        // Before anything packs int8 weights: AVX2 packs them with 7 bits.
        if let int8Kernel, let kernel = Int8Kernel(rawValue: int8Kernel) { Kernels.int8Kernel = kernel }
        if gemm == "shapes" {
            try runGemmShapes()
            return
        }
        if let gemm, let shape = GemmBench.parse(gemm) {
            if int8 {
                try runGemmShapes([("", shape)])
                return
            }
            let rate = try GemmBench.gflops(shape, seconds: seconds, limits: memory.limits)
            if json {
                let obj: [String: Any] = ["gemm": gemm, "gflops": rate, "blas": BLASInfo.name, "threads": ComputeThreads.poolSize]
                print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(String(format: "sgemm %@: %.1f GFLOP/s (%@, %d threads)", gemm, rate, BLASInfo.name, ComputeThreads.poolSize))
            }
            return
        }
        guard let graph else { return }
        let parallel = DataParallel(try Distributed.start())
        let bench = try Benchmark.load(planPath: graph, batch: batch, seq: seq, train: train, phase: phase, limits: memory.limits,
                                       precision: train ? nil : precision.precision,
                                       parallel: parallel)
        let r = try bench.measure(iterations: iterations, seconds: seconds, profile: profile)
        // Every rank ran every step; rank 0 speaks for the job.
        guard parallel.rank == 0 else { return }
        let mode = train ? "train" : "inference"
        let predicted = Double(r.predictedPeakBytes) / 1_048_576
        if json {
            var obj: [String: Any] = ["sentences_per_second": r.sentencesPerSecond, "peak_rss_mb": r.peakRSSMegabytes,
                                      "predicted_peak_mb": predicted, "batch": batch, "seq": seq,
                                      "mode": mode, "iterations": r.iterations, "seconds": r.seconds, "blas": BLASInfo.name,
                                      "threads": ComputeThreads.poolSize, "ranks": parallel.size,
                                      "precision": train ? Precision.fp32.rawValue : bench.model.precision.rawValue]
            if let phase { obj["phase"] = phase }
            if profile {
                obj["profile"] = r.byOpKind.reduce(into: [String: Double]()) { $0[$1.0] = $1.1 }
                obj["phases"] = r.byPhase.reduce(into: [String: Double]()) { $0[$1.0] = $1.1 }
                if let c = r.communication {
                    obj["communication"] = ["start_seconds": c.startSeconds, "wait_seconds": c.waitSeconds,
                                            "blocking_seconds": c.blockingSeconds, "overlap": c.overlap,
                                            "bytes": c.bytes, "messages": c.messages] as [String: Any]
                }
            }
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            let shown = train || bench.model.precision == .fp32 ? mode : "\(mode) int8"
            print(String(format: "%@ %@ batch %d × seq %d: %.1f sentences/s (%.1f ms/batch, %d iterations), peak RSS %.0f MiB (predicted %.0f MiB), BLAS %@, %d threads%@",
                         bench.model.plan.name, phase.map { "\(mode) phase \($0)" } ?? shown, batch, seq, r.sentencesPerSecond, 1000 * r.seconds / Double(r.iterations),
                         r.iterations, r.peakRSSMegabytes, predicted, BLASInfo.name, ComputeThreads.poolSize,
                         parallel.isDistributed ? " × \(parallel.size) ranks (global rate; peak RSS of rank 0)" : ""))
            if profile {
                let total = r.byOpKind.reduce(0) { $0 + $1.1 }
                func row(_ indent: String, _ label: String, _ t: Double) {
                    print(indent + label.padding(toLength: 30 - indent.count, withPad: " ", startingAt: 0)
                          + String(format: "%9.2f ms/iter  %5.1f%%", 1000 * t / Double(r.iterations), 100 * t / total))
                }
                for (phase, t) in r.byPhase { row("  ", phase, t) }
                print("  by op kind:")
                for (kind, t) in r.byOpKind { row("    ", kind, t) }
                if let c = r.communication {
                    print(String(format: "  communication per step: %.1f MiB in %d all-reduces; start %.2f ms + wait %.2f ms as scheduled, %.2f ms blocking; overlap %.0f%%",
                                 Double(c.bytes) / 1_048_576, c.messages, 1000 * c.startSeconds, 1000 * c.waitSeconds,
                                 1000 * c.blockingSeconds, 100 * c.overlap))
                } else if train {
                    print("  communication: none (one process; the bucket nodes do nothing)")
                }
            }
        }
    }

    /// The int8 variants `--int8` measures: the one `--int8-kernel` names, else every vectorised one.
    var int8Kernels: [Int8Kernel] {
        if let int8Kernel, let kernel = Int8Kernel(rawValue: int8Kernel) { return [kernel] }
        let vector = Int8Kernel.supported.filter { $0 != .scalar }
        return vector.isEmpty ? [.scalar] : vector
    }

    /// One row per shape: sgemm GFLOP/s and, with --int8 or for 'shapes', int8 GOP/s per variant.
    func runGemmShapes(_ shapes: [(layer: String, shape: GemmBench.Shape)] = GemmBench.modelShapes) throws {
        let kernels = int8Kernels
        var rows: [[String: Any]] = []
        if !json {
            print("shape (M,N,K)".padding(toLength: 18, withPad: " ", startingAt: 0) + "layer".padding(toLength: 25, withPad: " ", startingAt: 0)
                  + "sgemm GFLOP/s" + kernels.map { "  " + "int8 \($0.rawValue) GOP/s" }.joined())
        }
        for (layer, shape) in shapes {
            let sgemm = try GemmBench.gflops(shape, seconds: seconds, limits: memory.limits)
            var int8Rates: [String: Double] = [:]
            var line = "\(shape.m),\(shape.n),\(shape.k)".padding(toLength: 18, withPad: " ", startingAt: 0)
                + layer.padding(toLength: 25, withPad: " ", startingAt: 0) + String(format: "%13.1f", sgemm)
            for kernel in kernels {
                let rate = try GemmBench.int8Gops(shape, kernel: kernel, seconds: seconds, limits: memory.limits)
                int8Rates[kernel.rawValue] = rate
                let cell = String(format: "%.1f", rate), width = "int8 \(kernel.rawValue) GOP/s".count
                line += "  " + String(repeating: " ", count: max(0, width - cell.count)) + cell
            }
            rows.append(["gemm": "\(shape.m),\(shape.n),\(shape.k)", "layer": layer, "gflops": sgemm, "int8_gops": int8Rates])
            if !json { print(line) }
        }
        if json {
            let obj: [String: Any] = ["shapes": rows, "blas": BLASInfo.name, "int8_default": Kernels.int8Kernel.rawValue]
            print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("BLAS \(BLASInfo.name); int8 rows include quantizing x and the dequantize + bias epilogue; avx2 uses 7-bit weights")
        }
    }
}
