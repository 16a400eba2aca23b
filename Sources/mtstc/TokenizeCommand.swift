import ArgumentParser
import MTSTCompiler
import MTSTRuntime

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print WordPiece ids as JSON lines: {\"text\": …, \"ids\": […]}, with [CLS]/[SEP], truncated to the spec's maximum.")

    @Option(name: .long, help: "Compiled plan.") var graph: String
    @OptionGroup var text: TextInput

    func run() throws {
        let sentences = try text.sentences()
        let plan = try PlanCodec.read(path: graph)
        let tokenizer = try BertTokenizer(plan: plan)
        let maxLength = plan.maxTokens(for: plan.inference)
        var out = ""
        for s in sentences {
            out += JSONLine.object([("text", JSONLine.string(s)), ("ids", JSONLine.ints(tokenizer.encode(s, maxLength: maxLength)))]) + "\n"
        }
        print(out, terminator: "")
    }
}
