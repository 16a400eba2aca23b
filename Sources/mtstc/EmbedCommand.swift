import ArgumentParser
import Foundation
import MTSTCompiler
import MTSTRuntime

struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print sentence embeddings as JSON lines: {\"text\": …, \"embedding\": […]}.")

    @Option(name: .long, help: "Compiled plan.") var graph: String
    @Option(help: "Instead of JSON, print each sentence with its embedding's shape and first N values.")
    var preview: Int?
    @Option(name: .long, help: "Trained weights: a run folder (its latest snapshot), a snapshot folder, or a checkpoint.safetensors; else the plan's.")
    var weights: String?
    @OptionGroup var text: TextInput
    @OptionGroup var threads: ThreadsOption

    func run() throws {
        try threads.apply()
        let sentences = try text.sentences()
        let model = try Model(planPath: graph)
        if let weights { try Checkpoint.load(weights, into: model, requireHeads: false) }
        let embeddings = try model.embed(sentences)
        var out = ""
        if let preview {
            for (s, e) in zip(sentences, embeddings) {
                let first = e.prefix(preview).map { String(format: "%.8f", $0) }.joined(separator: " ")
                out += "Sentence: \(s)\nEmbedding shape: [\(e.count)]\nFirst \(preview) values: [\(first)]\n\n"
            }
            print(out, terminator: "")
            return
        }
        for (s, e) in zip(sentences, embeddings) {
            out += JSONLine.object([("text", JSONLine.string(s)), ("embedding", JSONLine.floats(e))]) + "\n"
        }
        print(out, terminator: "")
    }
}
