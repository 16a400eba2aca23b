import ArgumentParser
import MTSTRuntime

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict the intent and one tag per word with trained weights, as JSON lines.")

    @Option(name: .long, help: "Compiled plan.") var graph: String
    @Option(name: .long, help: "Trained weights: a run folder (its latest snapshot), a snapshot folder, or a checkpoint.safetensors written by `mtstc run`.")
    var weights: String
    @OptionGroup var text: TextInput
    @OptionGroup var threads: ThreadsOption

    func run() throws {
        try threads.apply()
        let sentences = try text.sentences()
        let predictor = try Predictor(planPath: graph, checkpoint: weights)
        let heads = predictor.model.plan.model.taskHeads
        let primary = PrimaryHeads(heads)
        var out = ""
        for s in try predictor.predict(sentences) {
            var fields: [(String, String)] = [("text", JSONLine.string(s.words.joined(separator: " "))), ("words", JSONLine.strings(s.words))]
            for h in heads {
                switch h.kind {
                case .classification: fields.append((primary.key(for: h), JSONLine.string(s.prediction.labels[h.name] ?? "")))
                case .tagging: fields.append((primary.key(for: h), JSONLine.strings(s.prediction.tags[h.name] ?? [])))
                case .contrastive: break  // no classifier: it shapes the embedding, it predicts nothing
                }
            }
            out += JSONLine.object(fields) + "\n"
        }
        print(out, terminator: "")
    }
}
