import ArgumentParser
import Foundation
import MTSTCompiler
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
    @Option(help: "Use only the first N training and evaluation examples (smoke runs).") var limit: Int?
    @OptionGroup var memory: MemoryOption
    @Flag(help: "Replace the run already in --out (only the files mtstc wrote there are removed).") var overwrite = false
    @Flag(name: .customLong("check-numerics"), help: "Check every op's output, to name the first that is NaN or infinite when training goes bad.")
    var checkNumerics = false

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let model = try Model(plan: try PlanCodec.read(path: graph, limits: memory.limits))
        let trainer = try Trainer(model: model, outDir: out ?? resume ?? "runs/\(model.plan.name)")
        trainer.checkNumerics = checkNumerics
        Interrupt.install()
        trainer.shouldStop = { Interrupt.requested }
        if case .interrupted = try trainer.run(epochs: epochs, resume: resume, limit: limit, overwrite: overwrite) {
            Foundation.exit(130)
        }
        if let e = trainer.memoryEstimate, let bound = MemoryEstimate.atMaxima(model.plan) {
            print(String(format: "peak RSS %.0f MiB; predicted %.0f MiB for this data, at most %.0f MiB at the plan's maxima",
                         ResourceUsage.peakRSSMegabytes(), Double(e.peak) / 1_048_576, Double(bound.peak) / 1_048_576))
        }
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict the intent and one tag per word with trained weights, as JSON lines.")

    @Option(name: .long, help: "Compiled plan.") var graph: String
    @Option(name: .long, help: "checkpoint.safetensors written by `mtstc run`.") var weights: String
    @OptionGroup var text: TextInput

    func run() throws {
        let sentences = try text.sentences()
        let model = try Model(planPath: graph)
        try Checkpoint.load(weights, into: model)
        let encoder = ExampleEncoder(heads: model.plan.model.taskHeads, tokenizer: model.tokenizer,
                                     maxLength: min(model.plan.tokenizer.maxLength, model.plan.inference.graph.maxSeq))
        let examples = sentences.map { s in
            Example(words: s.split(whereSeparator: \.isWhitespace).map(String.init), source: SourceLocation(file: "<input>"))
        }
        let predictions = try model.predict(examples.map { encoder.encode($0, route: (nil, nil)) }, texts: sentences)
        let heads = model.plan.model.taskHeads
        var out = ""
        for (e, p) in zip(examples, predictions) {
            var fields: [(String, String)] = [("text", JSONLine.string(e.words.joined(separator: " "))), ("words", JSONLine.strings(e.words))]
            for h in heads {
                switch h.kind {
                case .classification: fields.append((h.name == heads.first { $0.kind == .classification }?.name ? "intent" : h.name,
                                                     JSONLine.string(p.labels[h.name] ?? "")))
                case .tagging: fields.append((h.name == heads.first { $0.kind == .tagging }?.name ? "tags" : h.name,
                                              JSONLine.strings(p.tags[h.name] ?? [])))
                case .contrastive: break  // no classifier: it shapes the embedding, it predicts nothing
                }
            }
            out += JSONLine.object(fields) + "\n"
        }
        print(out, terminator: "")
    }
}
