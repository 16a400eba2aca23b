import Foundation
import MTSTCompiler

/// The sentences the accuracy guard compares int8 with fp32 on: a text file (one sentence per
/// line, blank lines skipped), or the plan's evaluation data (else its training data), whose
/// labels then also give each head's metrics in both precisions.
public struct CalibrationSet {
    /// Where the sentences came from, for the report (`data.eval: …/atis/test`, `calib.txt`).
    public var origin: String
    /// What is embedded and compared by cosine.
    public var texts: [String]
    /// Labelled sentences (not pairs) with the source they came from, for the head metrics.
    public var labelled: [(example: Example, source: DataSourceRef)] = []

    public init(origin: String, texts: [String]) {
        self.origin = origin
        self.texts = texts
    }

    /// The first `limit` non-blank lines of `path`.
    public static func file(_ path: String, limit: Int) throws -> CalibrationSet {
        let bytes: Data
        do {
            bytes = try InputFile.read(path)
        } catch {
            throw CalibrationError.unreadable(path, error.reason)
        }
        let lines = try TextLines(bytes: bytes, file: path).lines
        let texts = lines.lazy.map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }.prefix(limit)
        guard !texts.isEmpty else { throw CalibrationError.empty(path) }
        return CalibrationSet(origin: path, texts: Array(texts))
    }

    /// Up to `limit` sentences of the plan's evaluation sources (or, without any, its training
    /// sources), shared evenly so every source is represented; nil when the plan has neither.
    public static func data(of plan: Plan, limit: Int) throws -> CalibrationSet? {
        guard let data = plan.data else { return nil }
        let (sources, key) = data.eval.isEmpty ? (data.train, "data.train") : (data.eval, "data.eval")
        guard !sources.isEmpty else { return nil }
        let share = max(1, limit / sources.count)
        var set = CalibrationSet(origin: "\(key): " + sources.map(\.path).joined(separator: ", "), texts: [])
        for source in sources {
            for e in try TrainingData.read(source).prefix(share) where set.texts.count < limit {
                if let pair = e.pair {
                    set.texts.append(pair.anchor)
                } else {
                    set.texts.append(e.words.joined(separator: " "))
                    set.labelled.append((e, source))
                }
            }
        }
        guard !set.texts.isEmpty else { throw CalibrationError.empty(set.origin) }
        return set
    }
}

public enum CalibrationError: UserFacingError {
    case empty(String)
    case unreadable(String, String)
    case none(SourceLocation)

    public var description: String {
        switch self {
        case .empty(let origin): "\(origin): no calibration sentences (the accuracy guard needs at least one)"
        case let .unreadable(path, reason): "\(path): cannot read calibration sentences: \(reason)"
        case .none(let at):
            "\(at): compile.quantize: the accuracy guard needs calibration sentences: give compile.quantize.calibration or --calibration FILE (one sentence per line), or data.eval"
        }
    }
}
