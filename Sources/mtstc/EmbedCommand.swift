import ArgumentParser
import MTSTCompiler
import MTSTRuntime

struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print sentence embeddings as JSON lines: {\"text\": …, \"embedding\": […]}.")

    @Option(name: .long, help: "Compiled plan.") var graph: String
    @OptionGroup var text: TextInput

    func run() throws {
        let sentences = try text.sentences()
        let model = try Model(planPath: graph)
        let embeddings = try model.embed(sentences)
        var out = ""
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
        let tokenizer = try BertTokenizer(vocabPath: plan.tokenizer.vocab.path, lowercase: plan.tokenizer.lowercase)
        let maxLength = min(plan.tokenizer.maxLength, plan.inference.graph.maxSeq)
        var out = ""
        for s in sentences {
            out += JSONLine.object([("text", JSONLine.string(s)), ("ids", JSONLine.ints(tokenizer.encode(s, maxLength: maxLength)))]) + "\n"
        }
        print(out, terminator: "")
    }
}
