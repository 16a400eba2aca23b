import ArgumentParser
import Foundation
import MTSTCompiler
import MTSTRuntime
import MTSTKernels

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure sentences per second and peak memory on synthetic batches of the plan's model.")

    @Option(name: .long, help: "Compiled plan.") var graph: String?
    @Option(help: "Instead of a model, measure the BLAS sgemm rate on M,N,K[,NT|NN|TN|TT] (default NT).") var gemm: String?
    @Option(help: "Sentences per batch.") var batch: Int = 32
    @Option(help: "Tokens per sentence (including [CLS] and [SEP]).") var seq: Int = 32
    @Flag(help: "Time full training steps (forward, backward, AdamW) instead of inference.") var train = false
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: "Print time per op kind.") var profile = false
    @Option(help: "Minimum measured seconds.") var seconds: Double = 5
    @Option(help: "Minimum measured iterations.") var iterations: Int = 3
    @OptionGroup var memory: MemoryOption

    func validate() throws {
        if gemm == nil, graph == nil { throw ValidationError("give --graph PLAN (or --gemm M,N,K)") }
        if let gemm, GemmBench.parse(gemm) == nil { throw ValidationError("--gemm expects M,N,K or M,N,K,NT with each size from 1 to 2147483647") }
        if batch < 1 || seq < 2 { throw ValidationError("--batch must be ≥ 1 and --seq ≥ 2") }
    }

    func run() throws {
        if let gemm, let shape = GemmBench.parse(gemm) {
            let rate = try GemmBench.gflops(shape, seconds: seconds, limits: memory.limits)
            if json {
                let obj: [String: Any] = ["gemm": gemm, "gflops": rate, "blas": BLASInfo.name]
                print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(String(format: "sgemm %@: %.1f GFLOP/s (%@)", gemm, rate, BLASInfo.name))
            }
            return
        }
        guard let graph else { return }
        let limits = memory.limits
        let plan = try PlanCodec.read(path: graph, limits: limits)
        let checked: Plan
        do {
            checked = try Benchmark.check(plan, batch: batch, seq: seq, train: train, limits: limits)
        } catch let error as UserFacingError {
            throw CompileError.file(graph, error.description)  // which plan the sizes are checked against
        }
        let model = try Model(plan: checked)
        let bench = try Benchmark(model: model, batch: batch, seq: seq, train: train)
        let predicted = Benchmark.estimate(model.plan, batch: batch, seq: seq, train: train)?.peak ?? 0
        try bench.step()  // warm-up: first touches of the arena and BLAS thread start-up
        try bench.step()
        if profile { bench.executors.forEach { $0.profile = [:] } }
        var iters = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while iters < iterations || elapsed < seconds {
            try bench.step()
            iters += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
        let sps = Double(batch * iters) / elapsed
        let rss = ResourceUsage.peakRSSMegabytes()
        let mode = train ? "train" : "inference"
        if json {
            var obj: [String: Any] = ["sentences_per_second": sps, "peak_rss_mb": rss, "predicted_peak_mb": Double(predicted) / 1_048_576,
                                      "batch": batch, "seq": seq,
                                      "mode": mode, "iterations": iters, "seconds": elapsed, "blas": BLASInfo.name]
            if profile {
                obj["profile"] = bench.profileTable().reduce(into: [String: Double]()) { $0[$1.0] = $1.1 }
                obj["phases"] = bench.phaseTable().reduce(into: [String: Double]()) { $0[$1.0] = $1.1 }
            }
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "%@ %@ batch %d × seq %d: %.1f sentences/s (%.1f ms/batch, %d iterations), peak RSS %.0f MiB (predicted %.0f MiB), BLAS %@",
                         model.plan.name, mode, batch, seq, sps, 1000 * elapsed / Double(iters), iters, rss,
                         Double(predicted) / 1_048_576, BLASInfo.name))
            if profile {
                let table = bench.profileTable()
                let total = table.reduce(0) { $0 + $1.1 }
                for (phase, t) in bench.phaseTable() {
                    print("  " + phase.padding(toLength: 28, withPad: " ", startingAt: 0)
                          + String(format: "%9.2f ms/iter  %5.1f%%", 1000 * t / Double(iters), 100 * t / total))
                }
                print("  by op kind:")
                for (kind, t) in table {
                    print("    " + kind.padding(toLength: 26, withPad: " ", startingAt: 0)
                          + String(format: "%9.2f ms/iter  %5.1f%%", 1000 * t / Double(iters), 100 * t / total))
                }
            }
        }
    }
}
