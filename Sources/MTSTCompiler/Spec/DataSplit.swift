import Foundation

/// Which part of a data file a source reads (YAML `split:`), so one file can give both a
/// training and a validation set.
public enum DataSplit: Sendable, Equatable, Codable {
    /// Shuffle the file's examples with `seed`, hold out round(fraction · n) of them; `part`
    /// says which side this source reads. Both sides keep the file's order.
    case holdout(fraction: Double, seed: UInt64, part: Part)
    /// Examples by 1-based position in the file, in file order.
    case examples([ExampleRange])

    public enum Part: String, Sendable, Equatable, Codable, CaseIterable {
        /// The examples a holdout does not hold out (the training side).
        case rest
        /// The held-out examples (the validation side).
        case holdout
    }

    /// How the split is written in YAML, for messages.
    public var description: String {
        switch self {
        case .holdout(let fraction, let seed, let part): "holdout \(fraction) seed \(seed), part \(part.rawValue)"
        case .examples(let ranges): "examples \"\(ranges.map(\.description).joined(separator: ","))\""
        }
    }
}

/// `first-last` (both 1-based, inclusive), `first-` (to the end) or a single `n`.
public struct ExampleRange: Sendable, Equatable, Codable {
    public var first: Int
    /// nil: to the last example of the file.
    public var last: Int?

    public init(first: Int, last: Int?) {
        self.first = first
        self.last = last
    }

    public var description: String {
        guard let last else { return "\(first)-" }
        return last == first ? "\(first)" : "\(first)-\(last)"
    }

    /// Parses `"1-1915"`, `"1916-"`, `"7"` or a comma-separated list of them, or says why not.
    static func parseList(_ text: String) -> Result<[ExampleRange], ParseFailure> {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var ranges: [ExampleRange] = []
        for part in parts {
            let bounds = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let first = Int(bounds[0]), (bounds.count == 1 || bounds[1].isEmpty || Int(bounds[1]) != nil) else {
                return .failure(ParseFailure(reason: "'\(part)' is not a range; write first-last (1-based, inclusive), first- or n, separated by commas"))
            }
            let last: Int? = bounds.count == 1 ? first : Int(bounds[1])
            guard first >= 1 else { return .failure(ParseFailure(reason: "'\(part)': examples are numbered from 1")) }
            if let last, last < first { return .failure(ParseFailure(reason: "'\(part)' ends before it starts")) }
            let range = ExampleRange(first: first, last: last)
            if let overlap = ranges.first(where: { $0.overlaps(range) }) {
                return .failure(ParseFailure(reason: "'\(part)' overlaps '\(overlap.description)'"))
            }
            ranges.append(range)
        }
        return .success(ranges)
    }

    public func overlaps(_ other: ExampleRange) -> Bool {
        first <= (other.last ?? .max) && other.first <= (last ?? .max)
    }

    struct ParseFailure: Error {
        var reason: String
    }
}

extension DataSplit {
    static let keys = ["holdout", "seed", "part", "examples"]

    /// `inEval`: the default part of a holdout is `holdout` in `data.eval`, `rest` in `data.train`.
    static func decode(_ field: Field, inEval: Bool) throws(SpecError) -> DataSplit {
        let map = try field.map(allowed: keys)
        if let examples = map.optional("examples") {
            for key in ["holdout", "seed", "part"] {
                if let f = map.optional(key) { throw f.bad("a split takes either examples or holdout, not both") }
            }
            switch ExampleRange.parseList(try examples.string()) {
            case .success(let ranges): return .examples(ranges)
            case .failure(let failure): throw examples.bad(failure.reason)
            }
        }
        guard let holdout = map.optional("holdout") else {
            throw field.bad("needs holdout (a fraction, with seed and part) or examples (ranges such as \"1-1915\")")
        }
        let fraction = try holdout.double()
        guard fraction > 0, fraction < 1 else {
            throw holdout.bad("the held-out fraction must be between 0 and 1 (exclusive), got \(fraction)")
        }
        let seed = try map.optional("seed").map { f throws(SpecError) in UInt64(try f.nonNegativeInt()) } ?? 0
        let part = try map.optional("part")?.choice(Part.self, what: "split part") ?? (inEval ? .holdout : .rest)
        return .holdout(fraction: fraction, seed: seed, part: part)
    }

    /// Why a source reading `self` and one reading `other` of the same file share examples, or
    /// nil when they do not.
    func overlap(with other: DataSplit) -> String? {
        switch (self, other) {
        case (.holdout(let f, let s, let p), .holdout(let g, let t, let q)):
            if f != g || s != t { return "the holdouts differ (\(f) seed \(s) vs \(g) seed \(t)), so their parts overlap; use the same holdout and seed on both sides" }
            return p == q ? "both read part \(p.rawValue)" : nil
        case (.examples(let a), .examples(let b)):
            for x in a { if let y = b.first(where: x.overlaps) { return "examples '\(x.description)' and '\(y.description)' overlap" } }
            return nil
        default:
            return "one side splits by holdout and the other by examples, so they may overlap; split both sides the same way"
        }
    }
}
