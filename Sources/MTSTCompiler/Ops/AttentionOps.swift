import MTSTKernels

/// Scaled, masked softmax of `Q·Kᵀ` per head: `q`, `k` `[B·T, W]` (head h in columns
/// `offset + h·d ..< offset + (h+1)·d`), mask `[B,T]` → probabilities `[heads·B, T, T]`.
/// Q and K may be the same packed QKV node read at different column offsets.
enum AttentionProbsOp: OpDef {
    static var attributes: Attributes.Case { .attention }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 3)
        let width = try ShapeRules.attentionWidth(attrs)
        try ShapeRules.columns(inputs[0], offset: try ShapeRules.attention(attrs).qOffset, width: width, "q")
        try ShapeRules.columns(inputs[1], offset: try ShapeRules.attention(attrs).kOffset, width: width, "k")
        try ShapeRules.mask(inputs[2])
        return ShapeRules.attentionProbs(heads: try ShapeRules.attention(attrs).heads)
    }

    static func run(_ a: KernelArgs) {
        Kernels.attentionProbs(q: a.input(0) + a.attr(\.attention).qOffset, ldq: a.cols(0), k: a.input(1) + a.attr(\.attention).kOffset,
                               ldk: a.cols(1), mask: a.input(2), batch: a.batch, heads: a.attr(\.attention).heads, seq: a.seq, starts: a.starts,
                               headDim: a.attr(\.attention).headDim, scale: a.attr(\.attention).scale, probs: a.output)
    }

    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        let dScores = try g.add(.softmaxGrad, [dOut, ValueRef(node.id)], attrs: node.attrs, "dscores")
        let dq = try g.add(.attentionScoresGradQ, [dScores, node.inputs[1]], attrs: node.attrs, "dq")
        let dk = try g.add(.attentionScoresGradK, [dScores, node.inputs[0]], attrs: node.attrs, "dk")
        return [g.slice(dq, into: node.inputs[0], offset: (node.attrs.attention?.qOffset ?? 0)),
                g.slice(dk, into: node.inputs[1], offset: (node.attrs.attention?.kOffset ?? 0)), nil]
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
