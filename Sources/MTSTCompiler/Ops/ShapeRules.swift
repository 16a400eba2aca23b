/// Small checks shared by the shape rules; each throws a message naming what was expected.
enum ShapeRules {
    static func arity(_ inputs: [Shape], _ n: Int) throws(ShapeRuleError) {
        guard inputs.count == n else { throw ShapeRuleError("expects \(n) inputs, got \(inputs.count)") }
    }

    static func rank(_ s: Shape, _ r: Int, _ what: String) throws(ShapeRuleError) {
        guard s.rank == r else { throw ShapeRuleError("\(what): expected rank \(r), got \(s)") }
    }

    static func same(_ a: Shape, _ b: Shape, _ what: String) throws(ShapeRuleError) {
        guard a == b else { throw ShapeRuleError("\(what): shapes differ, \(a) vs \(b)") }
    }

    /// A per-token matrix `[B·T, width]`.
    static func tokenMatrix(_ s: Shape, _ what: String) throws(ShapeRuleError) -> Int {
        guard s.rank == 2, s[0] == .tokens, s[1].isConstant else {
            throw ShapeRuleError("\(what): expects per-token features [B·T,H], got \(s)")
        }
        return s[1].coefficient
    }

    static func mask(_ s: Shape) throws(ShapeRuleError) {
        guard s == Shape(.batch, .seq) else { throw ShapeRuleError("mask: expects [B,T], got \(s)") }
    }

    static func vector(_ s: Shape, length: Dim, _ what: String) throws(ShapeRuleError) {
        guard s == Shape(length) else { throw ShapeRuleError("\(what): expects [\(length)], got \(s)") }
    }

    /// `x` of rank ≥ 1 and a bias over its last dimension; the result has x's shape.
    static func rowBias(_ inputs: [Shape]) throws(ShapeRuleError) -> Shape {
        try arity(inputs, 2)
        guard let c = inputs[0].last else { throw ShapeRuleError("x: expected rank ≥ 1") }
        try vector(inputs[1], length: c, "bias")
        return inputs[0]
    }

    static func attentionProbs(heads: Int) -> Shape { Shape(heads * Dim.batch, .seq, .seq) }

    /// Columns the attention kernels touch, `heads·headDim`, after checking both are positive
    /// and their product fits: the kernels turn these attributes into pointer offsets.
    static func attentionWidth(_ attrs: Attributes) throws(ShapeRuleError) -> Int {
        let at = try attention(attrs)
        guard at.heads > 0, at.headDim > 0 else { throw ShapeRuleError("heads and head size must be positive") }
        guard let width = SizeMath.multiply(at.heads, at.headDim) else {
            throw ShapeRuleError("\(at.heads) heads × \(at.headDim) overflows")
        }
        return width
    }

    static func attention(_ attrs: Attributes) throws(ShapeRuleError) -> AttentionAttributes {
        guard let at = attrs.attention else { throw ShapeRuleError("expects attention attributes") }
        return at
    }

    /// A token matrix read from column `offset` for `width` columns (a Q, K or V part).
    static func columns(_ s: Shape, offset: Int, width: Int, _ what: String) throws(ShapeRuleError) {
        let w = try tokenMatrix(s, what)
        guard offset >= 0, let end = SizeMath.add(offset, width), end <= w else {
            throw ShapeRuleError("\(what): \(width) columns at \(offset) do not fit [·,\(w)]")
        }
    }

    /// The probabilities (or their gradient) of an attention with `heads` heads.
    static func probs(_ s: Shape, _ attrs: Attributes, _ what: String) throws(ShapeRuleError) {
        _ = try attentionWidth(attrs)
        try same(s, attentionProbs(heads: try ShapeRules.attention(attrs).heads), what)
    }

    /// A relative position bias table `[buckets, heads]` whose buckets the bucket function can
    /// reach: an even count of at least 4 (two halves, each with an exact and a log range) and a
    /// max distance past the exact range.
    static func relativeBiasTable(_ s: Shape, _ attrs: Attributes) throws(ShapeRuleError) {
        let at = try attention(attrs)
        let b = at.relativeBuckets
        guard b >= 4, b % 2 == 0, b <= 1 << 16 else { throw ShapeRuleError("relative buckets must be even and in 4...65536, got \(b)") }
        guard at.relativeMaxDistance > b / 4, at.relativeMaxDistance <= 1 << 24 else {
            throw ShapeRuleError("relative max distance \(at.relativeMaxDistance) must exceed \(b / 4) and be at most 2^24")
        }
        guard at.scale > 0 else { throw ShapeRuleError("attention scale must be positive with a relative bias") }
        try same(s, Shape(.const(b), .const(at.heads)), "relative bias table")
    }

    /// A gather's first row lies inside its table (the verifier checks the ids past it).
    static func idOffset(_ attrs: Attributes, table: Shape) throws(ShapeRuleError) {
        guard let offset = attrs.idOffset else { throw ShapeRuleError("expects gather attributes") }
        guard offset >= 0, table[0].isConstant, offset < table[0].coefficient else {
            throw ShapeRuleError("id offset \(offset) is outside the table's \(table[0]) rows")
        }
    }

    static func scalar(_ s: Shape, _ what: String) throws(ShapeRuleError) {
        guard s == .scalar else { throw ShapeRuleError("\(what): expects a scalar [1], got \(s)") }
    }
}

extension GradientBuilder {
    /// The contribution for an input read at a column offset (packed QKV) or whole.
    func slice(_ grad: ValueRef, into input: ValueRef, offset: Int) -> GradientContribution {
        let width = graph.shape(of: input).last
        if offset == 0, width == graph.shape(of: grad).last { return .full(grad) }
        return .columns(grad, offset: offset)
    }
}
