import MTSTCompiler

/// A NaN or an infinity where a number must be finite: in an output printed for an input, or in
/// the loss or gradient norm of a training step. Each names where it happened and what is safe.
public enum NumericsError: UserFacingError {
    /// Input `index` (0-based) produced a non-finite `output` (an embedding, a head's logits).
    case output(index: Int, text: String, output: String)
    /// `step` says where ("epoch 2 step 3/4"); `detail` the values, the first bad op when known,
    /// and the last good state.
    case loss(step: String, value: Double, detail: String)
    case gradient(step: String, norm: Double, detail: String)
    /// Evaluating after `epoch` gave a non-finite `output` for the example read at `source`.
    case evaluation(epoch: Int, source: String, output: String, detail: String)

    public var description: String {
        switch self {
        case let .output(index, text, output):
            let shown = text.count > 60 ? String(text.prefix(57)) + "..." : text
            return "input \(index + 1) (\(JSONText.quote(shown))): NaN or infinity in its \(output); the weights or an activation overflowed"
        case let .loss(step, value, detail): return "\(step): the loss is \(Self.text(value)); \(detail)"
        case let .gradient(step, norm, detail): return "\(step): the gradient norm is \(Self.text(norm)); \(detail)"
        case let .evaluation(epoch, source, output, detail):
            return "epoch \(epoch): NaN or infinity in the \(output) of evaluation example \(source); the weights overflowed in training (is the lr too high?); \(detail)"
        }
    }

    /// "NaN" and "inf" rather than Swift's "-nan" for a NaN with the sign bit set.
    static func text(_ x: Double) -> String {
        x.isNaN ? "NaN" : x.isInfinite ? (x > 0 ? "inf" : "-inf") : "\(x)"
    }

    /// The first row of a `[rows, width]` output with a non-finite value.
    static func firstBadRow(_ values: UnsafeBufferPointer<Float>, width: Int) -> Int? {
        guard width > 0 else { return nil }
        return values.firstIndex { !$0.isFinite }.map { $0 / width }
    }
}
