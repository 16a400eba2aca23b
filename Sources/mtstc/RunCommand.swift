import ArgumentParser
import Foundation
import MTSTCompiler
import MTSTDistributed
import MTSTRuntime

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train and evaluate as the spec says; write metrics.jsonl, checkpoint.safetensors and predictions.jsonl.",
        discussion: """
            Every epoch is saved as a whole (epoch-N/ and the 'latest' pointer in the run folder), so a killed \
            run continues exactly with --resume. Ctrl-C finishes the current step, saves, and exits with status 130.
            """)

    @Option(name: .long, help: "Compiled plan.") var graph: String
    @Option(help: "Override the spec's number of epochs.") var epochs: Int?
    @Option(help: "Output folder (default runs/<name>).") var out: String?
    @Option(help: "Continue from a run folder's latest snapshot (weights, optimizer state, position).") var resume: String?
    @Option(help: "Use only the first N examples of each training and evaluation source (smoke runs).") var limit: Int?
    @OptionGroup var memory: MemoryOption
    @OptionGroup var threads: ThreadsOption
    @Flag(help: "Replace the run already in --out (only the files mtstc wrote there are removed).") var overwrite = false
    @Flag(name: .customLong("check-numerics"), help: "Check every op's output, to name the first that is NaN or infinite when training goes bad.")
    var checkNumerics = false

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        try threads.apply()
        // Under mpirun every rank trains a share of each batch; without it, no MPI at all.
        let parallel = DataParallel(try Distributed.start())
        let model = try Model(plan: try PlanCodec.read(path: graph, limits: memory.limits), collectives: parallel.collectives)
        let trainer = try Trainer(model: model, outDir: out ?? resume ?? "runs/\(model.plan.name)")
        trainer.checkNumerics = checkNumerics
        trainer.parallel = parallel
        if parallel.rank != 0 {
            // Rank 0 speaks for the job; the others only report their own failures.
            trainer.log = { _ in }
            trainer.progress = ProgressReporter(enabled: false)
        } else if parallel.isDistributed {
            trainer.log("data parallel: \(parallel.size) ranks, each a token-balanced share of every batch")
            JobStop.install(outDir: trainer.outDir)
            trainer.onSnapshot = { JobStop.note(lastGood: $0, outDir: trainer.outDir) }
        }
        Interrupt.install()
        trainer.shouldStop = { Interrupt.requested }
        if case .interrupted = try trainer.run(epochs: epochs, resume: resume, limit: limit, overwrite: overwrite) {
            Foundation.exit(130)
        }
        if parallel.rank == 0, let e = trainer.memoryEstimate, let bound = MemoryEstimate.atMaxima(model.plan) {
            print(String(format: "peak RSS %.0f MiB; predicted %.0f MiB for this data, at most %.0f MiB at the plan's maxima",
                         ResourceUsage.peakRSSMegabytes(), Double(e.peak) / 1_048_576, Double(bound.peak) / 1_048_576))
        }
    }
}
