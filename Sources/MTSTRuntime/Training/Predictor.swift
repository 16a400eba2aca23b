import MTSTCompiler
import MTSTKernels

/// What a model predicts for one sentence: per classification head a label, per tagging head one
/// tag per word (words truncated away get "O").
public struct Prediction: Sendable {
    public var labels: [String: String] = [:]
    public var tags: [String: [String]] = [:]
}

extension Model {
    /// Runs the inference program over encoded examples, in batches of similar length. `texts`
    /// (one per example) name an input whose logits are not finite.
    public func predict(_ examples: [EncodedExample], texts: [String] = []) throws -> [Prediction] {
        var result = Array(repeating: Prediction(), count: examples.count)
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
                for (b, row) in batch.rows.enumerated() {
                    switch head.kind {
                    case .classification:
                        result[row].labels[head.name] = head.labels[Int(argmax[b])]
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
        return result
    }
}
