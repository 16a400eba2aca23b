import MTSTKernels

// A linear-chain CRF loss over a tagging head's per-token logits. Inputs: emissions [B·T, C],
// labels [B·T] (−1 on rows outside the chain: [CLS], [SEP], continuation pieces, padding),
// transitions [C, C] (from, to), start [C], end [C]. The loss is the mean over sentences of
// log Z − score(gold path); sentences are the padded or packed token rows (`KernelArgs.starts`).
// The emission and transition gradient ops each run forward–backward for their own output (one
// output per node); the start and end gradients are read off the emission gradient.

/// Checks the five inputs of the CRF loss and returns the class count.
private func crfInputs(_ inputs: [Shape], extra: Int = 0) throws(ShapeRuleError) -> Int {
    try ShapeRules.arity(inputs, 5 + extra)
    let c = try ShapeRules.tokenMatrix(inputs[0], "emissions")
    try ShapeRules.vector(inputs[1], length: .tokens, "labels")
    try ShapeRules.same(inputs[2], Shape(.const(c), .const(c)), "transitions [C,C]")
    try ShapeRules.vector(inputs[3], length: .const(c), "start")
    try ShapeRules.vector(inputs[4], length: .const(c), "end")
    return c
}

private extension KernelArgs {
    var crfScores: CRFScores {
        CRFScores(transitions: input(2), start: input(3), end: input(4), classes: cols(0))
    }

    func crfGradients(_ out: CRFGradients) {
        Kernels.crfGradients(emissions: input(0), labels: input(1), rows: rows(0), batch: batch, seq: seq, starts: starts,
                             scores: crfScores, dloss: input(5).pointee, into: out, denominator: lossDenominator)
    }
}

/// Negative log-likelihood of the gold tag paths under a linear-chain CRF, mean over sentences.
enum CRFLossOp: OpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        _ = try crfInputs(inputs)
        return .scalar
    }
    static func run(_ a: KernelArgs) {
        Kernels.crfNegLogLikelihood(emissions: a.input(0), labels: a.input(1), batch: a.batch, seq: a.seq, starts: a.starts,
                                    scores: a.crfScores, loss: a.output, denominator: a.lossDenominator)
    }
    static var isMeanOverLabels: Bool { true }
    static func labelCount(_ a: KernelArgs) -> Int {
        Kernels.crfSentenceCount(labels: a.input(1), classes: a.cols(0), batch: a.batch, seq: a.seq, starts: a.starts)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        let inputs = node.inputs + [dOut]
        let demissions = try g.add(.crfEmissionsGrad, inputs, "demissions")
        return [.full(demissions), nil,
                .full(try g.add(.crfTransitionsGrad, inputs, "dtransitions")),
                .full(try g.add(.crfStartGrad, [demissions, node.inputs[1]], "dstart")),
                .full(try g.add(.crfEndGrad, [demissions, node.inputs[1]], "dend"))]
    }
}

/// The CRF loss inputs and dloss [1] → node marginals minus gold indicators, per token row.
enum CRFEmissionsGradOp: BackwardOnlyOpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        _ = try crfInputs(inputs, extra: 1)
        try ShapeRules.scalar(inputs[5], "dloss")
        return inputs[0]
    }
    static func run(_ a: KernelArgs) { a.crfGradients(CRFGradients(emissions: a.output)) }
}

/// → pairwise marginals minus gold transition counts, [C, C].
enum CRFTransitionsGradOp: BackwardOnlyOpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        _ = try crfInputs(inputs, extra: 1)
        try ShapeRules.scalar(inputs[5], "dloss")
        return inputs[2]
    }
    static func run(_ a: KernelArgs) { a.crfGradients(CRFGradients(transitions: a.output)) }
}

/// The start score acts on a chain exactly as an emission at its first row does, so its
/// gradient is the sum of the emission gradient's first chain rows (the end score's: the last
/// rows). Inputs: the emission gradient [B·T, C] and the labels [B·T] → [C].
private func boundaryShape(_ inputs: [Shape]) throws(ShapeRuleError) -> Shape {
    try ShapeRules.arity(inputs, 2)
    let c = try ShapeRules.tokenMatrix(inputs[0], "demissions")
    try ShapeRules.vector(inputs[1], length: .tokens, "labels")
    return Shape(.const(c))
}

private extension KernelArgs {
    func chainBoundaryRows(last: Bool) {
        Kernels.crfChainBoundarySum(input(0), labels: input(1), classes: cols(0), batch: batch, seq: seq, starts: starts,
                                    last: last, output)
    }
}

/// → Σ over sentences of the emission gradient at the chain's first row, [C].
enum CRFStartGradOp: BackwardOnlyOpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape { try boundaryShape(inputs) }
    static func run(_ a: KernelArgs) { a.chainBoundaryRows(last: false) }
}

/// → Σ over sentences of the emission gradient at the chain's last row, [C].
enum CRFEndGradOp: BackwardOnlyOpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape { try boundaryShape(inputs) }
    static func run(_ a: KernelArgs) { a.chainBoundaryRows(last: true) }
}
