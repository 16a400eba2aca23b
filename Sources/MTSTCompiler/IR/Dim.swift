/// One dimension of a tensor: `coefficient · B^b · T^t`, where B (batch) and T (sequence length)
/// are the only symbolic sizes a sentence model has. Products such as `B·T` (token rows) and
/// `heads·B` (attention matrices) stay exact, so a shape is checked once for every batch that fits.
public struct Dim: Hashable, Codable, Sendable, CustomStringConvertible {
    public var coefficient: Int
    public var batchPower: Int
    public var seqPower: Int

    public init(_ coefficient: Int, batchPower: Int = 0, seqPower: Int = 0) {
        self.coefficient = coefficient
        self.batchPower = batchPower
        self.seqPower = seqPower
    }

    public static func const(_ n: Int) -> Dim { Dim(n) }
    public static let batch = Dim(1, batchPower: 1)
    public static let seq = Dim(1, seqPower: 1)
    /// Token rows: every token of every sentence, `B·T`.
    public static let tokens = Dim(1, batchPower: 1, seqPower: 1)

    public var isConstant: Bool { batchPower == 0 && seqPower == 0 }

    public static func * (lhs: Dim, rhs: Dim) -> Dim {
        Dim(lhs.coefficient * rhs.coefficient, batchPower: lhs.batchPower + rhs.batchPower,
            seqPower: lhs.seqPower + rhs.seqPower)
    }

    public static func * (lhs: Int, rhs: Dim) -> Dim {
        Dim(lhs * rhs.coefficient, batchPower: rhs.batchPower, seqPower: rhs.seqPower)
    }

    /// True when both dims have the same symbolic part, so they may be added (e.g. concatenation).
    public func sameSymbols(_ other: Dim) -> Bool {
        batchPower == other.batchPower && seqPower == other.seqPower
    }

    /// The size for a batch of `batch` sentences of at most `seq` tokens. `tokens` is the number
    /// of token rows when they are packed without padding (less than batch·seq); token dims
    /// (`c·B·T`) then take `c·tokens`. Dims mixing B and T otherwise (none in a sentence model)
    /// have no packed meaning and keep the padded size.
    public func value(batch: Int, seq: Int, tokens: Int? = nil) -> Int {
        if let tokens, batchPower == 1, seqPower == 1 { return coefficient * tokens }
        var v = coefficient
        for _ in 0..<batchPower { v *= batch }
        for _ in 0..<seqPower { v *= seq }
        return v
    }

    /// `value` at the given sizes, or nil when a coefficient or power is negative or the product
    /// overflows: what the plan verifier and the arena planner use on untrusted sizes.
    public func checkedValue(batch: Int, seq: Int, tokens: Int? = nil) -> Int? {
        guard coefficient >= 0, batchPower >= 0, seqPower >= 0, batch >= 0, seq >= 0 else { return nil }
        if let tokens, batchPower == 1, seqPower == 1 { return tokens >= 0 ? SizeMath.multiply(coefficient, tokens) : nil }
        var v = coefficient
        for _ in 0..<batchPower { guard let next = SizeMath.multiply(v, batch) else { return nil }; v = next }
        for _ in 0..<seqPower { guard let next = SizeMath.multiply(v, seq) else { return nil }; v = next }
        return v
    }

    public var description: String {
        var parts: [String] = []
        if coefficient != 1 || isConstant { parts.append("\(coefficient)") }
        if batchPower > 0 { parts.append(batchPower == 1 ? "B" : "B^\(batchPower)") }
        if seqPower > 0 { parts.append(seqPower == 1 ? "T" : "T^\(seqPower)") }
        return parts.joined(separator: "·")
    }
}
