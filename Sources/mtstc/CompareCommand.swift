import ArgumentParser
import Foundation
import MTSTCompiler
import MTSTRuntime

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compile and train several specs one after another; write report.md, report.html and SVG charts comparing them.",
        discussion: """
            Each spec trains into DIR/<spec file name>/run beside its plan DIR/<name>/compare.plan. Run the same command \
            again to continue: finished runs are skipped, unfinished ones resumed. A spec that now compiles to a different \
            plan is refused (remove its folder to retrain it). Ctrl-C saves the current run and exits with status 130.
            """)

    @Argument(help: "The YAML specs, one strategy each.") var specs: [String]
    @Option(help: "Epochs per spec (default: each spec's training.epochs).") var epochs: Int?
    @Option(help: "Use only the first N training and evaluation examples of each spec.") var limit: Int?
    @Option(help: "Output folder (created; must hold nothing but an earlier compare's files).") var out: String
    @OptionGroup var memory: MemoryOption

    func validate() throws {
        if specs.isEmpty { throw ValidationError("give at least one spec") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        var options = Compare.Options(epochs: epochs, limit: limit)
        options.limits = memory.limits
        options.command = (["mtstc", "compare"] + specs + (epochs.map { ["--epochs", "\($0)"] } ?? [])
            + (limit.map { ["--limit", "\($0)"] } ?? []) + ["--out", out]).joined(separator: " ")
        let compare = try Compare(specs: specs, out: out, options: options)
        Interrupt.install()
        compare.shouldStop = { Interrupt.requested }
        if case .interrupted = try compare.run() { Foundation.exit(130) }
    }
}
