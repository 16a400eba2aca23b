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
    @OptionGroup var text: TextInput

    func run() throws {
        let sentences = try text.sentences()
        let model = try Model(planPath: graph)
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

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print WordPiece ids as JSON lines: {\"text\": …, \"ids\": […]}, with [CLS]/[SEP], truncated to the spec's maximum.")

    @Option(name: .long, help: "Compiled plan.") var graph: String
    @OptionGroup var text: TextInput

    func run() throws {
        let sentences = try text.sentences()
        let plan = try PlanCodec.read(path: graph)
        let tokenizer = try BertTokenizer(vocabPath: plan.tokenizer.vocab.path, lowercase: plan.tokenizer.lowercase, specials: plan.tokenizer.specials)
        let maxLength = min(plan.tokenizer.maxLength, plan.inference.graph.maxSeq)
        var out = ""
        for s in sentences {
            out += JSONLine.object([("text", JSONLine.string(s)), ("ids", JSONLine.ints(tokenizer.encode(s, maxLength: maxLength)))]) + "\n"
        }
        print(out, terminator: "")
    }
}
