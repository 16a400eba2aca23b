import MTSTKernels

/// Scaled, masked softmax of `Q·Kᵀ` per head: `q`, `k` `[B·T, W]` (head h in columns
/// `offset + h·d ..< offset + (h+1)·d`), mask `[B,T]` → probabilities `[heads·B, T, T]`.
/// Q and K may be the same packed QKV node read at different column offsets.
/// An optional fourth input is a relative position bias table `[buckets, heads]` (MPNet):
/// score (i, j) of head h gets `table[bucket(j − i), h]` added before the mask and softmax.
enum AttentionProbsOp: OpDef {
    static var attributes: Attributes.Case { .attention }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        guard inputs.count == 3 || inputs.count == 4 else {
            throw ShapeRuleError("expects 3 inputs (q, k, mask) or 4 (with a relative bias table), got \(inputs.count)")
        }
        let width = try ShapeRules.attentionWidth(attrs)
        try ShapeRules.columns(inputs[0], offset: try ShapeRules.attention(attrs).qOffset, width: width, "q")
        try ShapeRules.columns(inputs[1], offset: try ShapeRules.attention(attrs).kOffset, width: width, "k")
        try ShapeRules.mask(inputs[2])
        if inputs.count == 4 {
            try ShapeRules.relativeBiasTable(inputs[3], attrs)
        } else if try ShapeRules.attention(attrs).relativeBuckets != 0 {
            throw ShapeRuleError("relative buckets \(try ShapeRules.attention(attrs).relativeBuckets) set without a relative bias table input")
        }
        return ShapeRules.attentionProbs(heads: try ShapeRules.attention(attrs).heads)
    }

    static func run(_ a: KernelArgs) {
        let at = a.attr(\.attention)
        Kernels.attentionProbs(q: a.input(0) + at.qOffset, ldq: a.cols(0), k: a.input(1) + at.kOffset,
                               ldk: a.cols(1), mask: a.input(2), batch: a.batch, heads: at.heads, seq: a.seq, starts: a.starts,
                               headDim: at.headDim, scale: at.scale,
                               relativeBias: a.inputs.count == 4 ? a.input(3) : nil, buckets: at.relativeBuckets,
                               maxDistance: at.relativeMaxDistance, probs: a.output)
    }

    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        let dScores = try g.add(.softmaxGrad, [dOut, ValueRef(node.id)], attrs: node.attrs, "dscores")
        let dq = try g.add(.attentionScoresGradQ, [dScores, node.inputs[1]], attrs: node.attrs, "dq")
        let dk = try g.add(.attentionScoresGradK, [dScores, node.inputs[0]], attrs: node.attrs, "dk")
        let at = try ShapeRules.attention(node.attrs)
        var contributions: [GradientContribution?] = [g.slice(dq, into: node.inputs[0], offset: at.qOffset),
                                                      g.slice(dk, into: node.inputs[1], offset: at.kOffset), nil]
        if node.inputs.count == 4 {
            contributions.append(.full(try g.add(.relativeBiasGrad, [dScores], attrs: node.attrs, "drelative_bias")))
        }
        return contributions
    }
}

/// Gradient of the relative bias table: the score gradients summed along each diagonal
/// (key − query) of every sentence's block, then into that diagonal's bucket. Input dS (the
/// gradient of the unscaled Q·Kᵀ, as `softmaxGrad` writes it) → `[buckets, heads]`.
enum RelativeBiasGradOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .attention }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 1)
        try ShapeRules.probs(inputs[0], attrs, "dscores")
        let at = try ShapeRules.attention(attrs)
        guard at.relativeBuckets > 0 else { throw ShapeRuleError("relative buckets must be positive") }
        return Shape(.const(at.relativeBuckets), .const(at.heads))
    }
    static func run(_ a: KernelArgs) {
        let at = a.attr(\.attention)
        Kernels.relativeBiasGrad(dscores: a.input(0), batch: a.batch, heads: at.heads, seq: a.seq, starts: a.starts,
                                 buckets: at.relativeBuckets, maxDistance: at.relativeMaxDistance,
                                 scale: at.scale, table: a.output)
    }
}

/// `P·V` per head: probabilities `[heads·B,T,T]`, `v` `[B·T, W]` → context `[B·T, heads·d]`.
enum AttentionContextOp: OpDef {
    static var attributes: Attributes.Case { .attention }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.probs(inputs[0], attrs, "probs")
        let width = try ShapeRules.attentionWidth(attrs)
        try ShapeRules.columns(inputs[1], offset: try ShapeRules.attention(attrs).vOffset, width: width, "v")
        return Shape(.tokens, .const(width))
    }

    static func run(_ a: KernelArgs) {
        Kernels.attentionContext(probs: a.input(0), v: a.input(1) + a.attr(\.attention).vOffset, ldv: a.cols(1), batch: a.batch,
                                 heads: a.attr(\.attention).heads, seq: a.seq, starts: a.starts, headDim: a.attr(\.attention).headDim,
                                 out: a.output, ldo: a.outputCols)
    }

    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        let dProbs = try g.add(.attentionContextGradProbs, [dOut, node.inputs[1]], attrs: node.attrs, "dprobs")
        let dv = try g.add(.attentionContextGradV, [node.inputs[0], dOut], attrs: node.attrs, "dv")
        return [.full(dProbs), g.slice(dv, into: node.inputs[1], offset: (node.attrs.attention?.vOffset ?? 0))]
    }
}

/// `dS = scale·P⊙(dP − rowsum(dP⊙P))`: inputs dP and P.
enum SoftmaxGradOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .attention }
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.probs(inputs[1], attrs, "probs")
        try ShapeRules.same(inputs[0], inputs[1], "dprobs and probs")
        return inputs[0]
    }
    static func run(_ a: KernelArgs) {
        Kernels.softmaxGrad(dprobs: a.input(0), probs: a.input(1), batch: a.batch, heads: a.attr(\.attention).heads, seq: a.seq,
                            starts: a.starts, scale: a.attr(\.attention).scale, dscores: a.output)
    }
}

/// `dP = dO·Vᵀ` per head: inputs dO `[B·T, heads·d]`, v.
enum AttentionContextGradProbsOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .attention }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        let width = try ShapeRules.attentionWidth(attrs)
        try ShapeRules.columns(inputs[0], offset: 0, width: width, "dout")
        try ShapeRules.columns(inputs[1], offset: try ShapeRules.attention(attrs).vOffset, width: width, "v")
        return ShapeRules.attentionProbs(heads: try ShapeRules.attention(attrs).heads)
    }
    static func run(_ a: KernelArgs) {
        Kernels.attentionContextGradProbs(dout: a.input(0), ldo: a.cols(0), v: a.input(1) + a.attr(\.attention).vOffset, ldv: a.cols(1),
                                          batch: a.batch, heads: a.attr(\.attention).heads, seq: a.seq, starts: a.starts, headDim: a.attr(\.attention).headDim,
                                          dprobs: a.output)
    }
}

/// `dV = Pᵀ·dO` per head: inputs P, dO.
enum AttentionContextGradVOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .attention }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.probs(inputs[0], attrs, "probs")
        let width = try ShapeRules.attentionWidth(attrs)
        try ShapeRules.columns(inputs[1], offset: 0, width: width, "dout")
        return Shape(.tokens, .const(width))
    }
    static func run(_ a: KernelArgs) {
        Kernels.attentionContextGradV(probs: a.input(0), dout: a.input(1), ldo: a.cols(1), batch: a.batch,
                                      heads: a.attr(\.attention).heads, seq: a.seq, starts: a.starts, headDim: a.attr(\.attention).headDim,
                                      dv: a.output, lddv: a.outputCols)
    }
}

/// `dQ = dS·K` per head: inputs dS, k (read at `kOffset`).
enum AttentionScoresGradQOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .attention }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.probs(inputs[0], attrs, "dscores")
        let width = try ShapeRules.attentionWidth(attrs)
        try ShapeRules.columns(inputs[1], offset: try ShapeRules.attention(attrs).kOffset, width: width, "k")
        return Shape(.tokens, .const(width))
    }
    static func run(_ a: KernelArgs) {
        Kernels.attentionScoresGradQ(dscores: a.input(0), k: a.input(1) + a.attr(\.attention).kOffset, ldk: a.cols(1), batch: a.batch,
                                     heads: a.attr(\.attention).heads, seq: a.seq, starts: a.starts, headDim: a.attr(\.attention).headDim,
                                     dq: a.output, lddq: a.outputCols)
    }
}

/// `dK = dSᵀ·Q` per head: inputs dS, q (read at `qOffset`).
enum AttentionScoresGradKOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .attention }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.probs(inputs[0], attrs, "dscores")
        let width = try ShapeRules.attentionWidth(attrs)
        try ShapeRules.columns(inputs[1], offset: try ShapeRules.attention(attrs).qOffset, width: width, "q")
        return Shape(.tokens, .const(width))
    }
    static func run(_ a: KernelArgs) {
        Kernels.attentionScoresGradK(dscores: a.input(0), q: a.input(1) + a.attr(\.attention).qOffset, ldq: a.cols(1), batch: a.batch,
                                     heads: a.attr(\.attention).heads, seq: a.seq, starts: a.starts, headDim: a.attr(\.attention).headDim,
                                     dk: a.output, lddk: a.outputCols)
    }
}
