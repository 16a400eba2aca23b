import Foundation
import MTSTCompiler
import MTSTKernels

/// What a model predicts for one sentence: per classification head a label, per tagging head one
/// tag per word (words truncated away get "O").
public struct Prediction: Sendable {
    public var labels: [String: String] = [:]
    public var tags: [String: [String]] = [:]
}

/// The first classification head and the first tagging head: the heads a data source's labels
/// go to when it names none (the spec's default routing), and the heads `mtstc predict` prints
/// under the fixed keys "intent" and "tags". Evaluation does not use them: it scores each head
/// on the examples routed to it (`EvaluationReport`).
public struct PrimaryHeads: Sendable, Equatable {
    public var label: String?
    public var tags: String?

    public init(_ heads: [TaskHead]) {
        label = heads.first { $0.kind == .classification }?.name
        tags = heads.first { $0.kind == .tagging }?.name
    }

    /// The key `head`'s prediction is written under: "intent", "tags", or the head's own name.
    public func key(for head: TaskHead) -> String {
        switch head.kind {
        case .classification: head.name == label ? "intent" : head.name
        case .tagging: head.name == tags ? "tags" : head.name
        case .contrastive: head.name
        }
    }
}

/// `mtstc predict`: sentences in, per sentence its words (split by `WordSplitter`, as training
/// data given as raw text is) and what every head predicts.
public struct Predictor {
    public struct Sentence: Sendable {
        public var words: [String]
        public var prediction: Prediction
    }

    public let model: Model
    let encoder: ExampleEncoder

    public init(model: Model) {
        self.model = model
        encoder = ExampleEncoder(heads: model.plan.model.taskHeads, tokenizer: model.tokenizer,
                                 maxLength: model.plan.maxTokens(for: model.plan.inference))
    }

    /// The plan's model with the trained weights of `checkpoint` (written by `mtstc run`).
    public init(planPath: String, checkpoint: String) throws {
        let model = try Model(planPath: planPath)
        try Checkpoint.load(checkpoint, into: model)
        self.init(model: model)
    }

    public func predict(_ sentences: [String]) throws -> [Sentence] {
        let words = sentences.map(WordSplitter.words)
        let predictions = try model.predict(words.map(encoder.encode(words:)), texts: sentences)
        return zip(words, predictions).map { Sentence(words: $0, prediction: $1) }
    }
}

extension Model {
    /// Runs the inference program over encoded examples, in batches of similar length. `texts`
    /// (one per example) name an input whose logits are not finite.
    public func predict(_ examples: [EncodedExample], texts: [String] = []) throws -> [Prediction] {
        try predictWithLosses(examples, texts: texts).predictions
    }

    /// `predict`, plus per head the mean cross-entropy of its logits against the examples'
    /// encoded labels (−1 skipped): per sentence for classification heads, per labelled word
    /// piece for tagging heads, as the training losses average. CRF and contrastive heads, and
    /// heads without a labelled example, get none.
    public func predictWithLosses(_ examples: [EncodedExample], texts: [String] = []) throws
        -> (predictions: [Prediction], losses: [String: Double]) {
        let (predictions, sums) = try predictWithLossSums(examples, texts: texts)
        return (predictions, sums.filter { $0.value.count > 0 }.mapValues { $0.sum / Double($0.count) })
    }

    /// `predictWithLosses` with each head's loss as the sum and count its mean divides, which
    /// sharded evaluation adds up over the ranks before dividing.
    func predictWithLossSums(_ examples: [EncodedExample], texts: [String] = []) throws
        -> (predictions: [Prediction], lossSums: [String: (sum: Double, count: Int)]) {
        var result = Array(repeating: Prediction(), count: examples.count)
        var lossSums: [String: (sum: Double, count: Int)] = [:]
        let heads = plan.model.taskHeads
        let maxBatch = plan.inference.graph.maxBatch
        let buckets = TokenBatch.buckets(examples.map(\.ids), maxBatch: maxBatch)
        var argmax = [Int32](repeating: 0, count: maxBatch * plan.inference.graph.maxSeq)
        for batch in buckets {
            try batch.feed(inference)
            inference.run()
            for head in heads where head.predicts {
                let logits = try inference.output("logits.\(head.name)")
                let classes = head.labels.count
                let rows = logits.count / classes
                if let r = NumericsError.firstBadRow(logits, width: classes) {
                    let b = head.kind == .classification ? r : batch.starts.lastIndex { $0 <= r } ?? 0
                    let row = batch.rows[b]
                    throw NumericsError.output(index: row, text: row < texts.count ? texts[row] : "", output: "\(head.name) logits")
                }
                argmax.withUnsafeMutableBufferPointer {
                    Kernels.argmaxRows(logits.baseAddress!, rows: rows, cols: classes, $0.baseAddress!)
                }
                if let h = heads.firstIndex(where: { $0.name == head.name }), !head.crf, head.kind != .contrastive {
                    for (b, row) in batch.rows.enumerated() {
                        for (t, label) in examples[row].labels[h].enumerated() where label >= 0 {
                            let r = head.kind == .classification ? b : batch.starts[b] + t
                            lossSums[head.name, default: (0, 0)].sum += Self.crossEntropy(logits, row: r, width: classes, target: Int(label))
                            lossSums[head.name, default: (0, 0)].count += 1
                        }
                    }
                }
                for (b, row) in batch.rows.enumerated() {
                    switch head.kind {
                    case .classification:
                        result[row].labels[head.name] = head.labels[Int(argmax[b])]
                    case .tagging where head.crf:
                        result[row].tags[head.name] = viterbiTags(head, logits.baseAddress!, firstRow: batch.starts[b],
                                                                  firstPiece: examples[row].firstPiece)
                    case .tagging:
                        result[row].tags[head.name] = examples[row].firstPiece.map {
                            $0 >= 0 ? head.labels[Int(argmax[batch.starts[b] + $0])] : "O"
                        }
                    case .contrastive:
                        break
                    }
                }
            }
        }
        return (result, lossSums)
    }

    /// −log softmax(row)[target], in Double.
    static func crossEntropy(_ logits: UnsafeBufferPointer<Float>, row: Int, width: Int, target: Int) -> Double {
        let base = row * width
        var most = -Double.infinity
        for c in 0..<width { most = max(most, Double(logits[base + c])) }
        var sum = 0.0
        for c in 0..<width { sum += exp(Double(logits[base + c]) - most) }
        return most + log(sum) - Double(logits[base + target])
    }

    /// The CRF's best tag path over the sentence's first pieces (words truncated away get "O"),
    /// with the head's transition, start and end scores from the parameter store.
    func viterbiTags(_ head: TaskHead, _ logits: UnsafePointer<Float>, firstRow: Int, firstPiece: [Int]) -> [String] {
        let rows = firstPiece.filter { $0 >= 0 }.map { firstRow + $0 }
        var path = [Int32](repeating: 0, count: rows.count)
        let scores = crfScores(head)
        rows.withUnsafeBufferPointer { r in
            path.withUnsafeMutableBufferPointer { Kernels.viterbi(emissions: logits, rows: r, scores: scores, path: $0) }
        }
        var next = path.makeIterator()
        return firstPiece.map { $0 >= 0 ? head.labels[Int(next.next()!)] : "O" }
    }

    /// A CRF head's scores in the parameter store; the plan verifier proved they exist with [C, C], [C], [C].
    func crfScores(_ head: TaskHead) -> CRFScores {
        let paths = CRFTaggingHead.scorePaths(head.name)
        func pointer(_ path: String) -> UnsafePointer<Float> {
            let i = store.params.firstIndex { $0.path == path }
            precondition(i != nil, "verified plan lacks \(path)")
            return UnsafePointer(store.pointer(i!))
        }
        return CRFScores(transitions: pointer(paths.transitions), start: pointer(paths.start), end: pointer(paths.end),
                         classes: head.labels.count)
    }
}
