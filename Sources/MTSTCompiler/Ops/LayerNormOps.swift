import MTSTKernels

/// Shape of a LayerNorm's per-row statistics: one value per row of `x`.
private func statsShape(_ x: Shape) -> Shape { x.rank >= 2 ? Shape(Array(x.dims.dropLast())) : Shape(.const(1)) }

extension KernelArgs {
    /// Outputs 1 and 2 of a LayerNorm (written), or inputs `at`, `at + 1` of its gradients (read).
    var writtenStats: LayerNormStats { LayerNormStats(mean: extraOutputs[0], rstd: extraOutputs[1]) }
    func readStats(at i: Int) -> LayerNormStats { LayerNormStats(mean: inputs[i], rstd: inputs[i + 1]) }
}

/// LayerNorm over the last dimension with affine `gamma`, `beta`. Outputs 1 and 2 are each
/// row's mean and 1/σ, which the gradient reads instead of recomputing them.
enum LayerNormOp: OpDef {
    static var attributes: Attributes.Case { .layerNorm }
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 3)
        guard let c = inputs[0].last else { throw ShapeRuleError("x: expected rank ≥ 1") }
        try ShapeRules.vector(inputs[1], length: c, "gamma")
        try ShapeRules.vector(inputs[2], length: c, "beta")
        return inputs[0]
    }
    static func extraOutputs(_ inputs: [Shape], _ attrs: Attributes) -> [Shape] {
        [statsShape(inputs[0]), statsShape(inputs[0])]
    }
    static func run(_ a: KernelArgs) {
        Kernels.layerNorm(a.input(0), gamma: a.input(1), beta: a.input(2), rows: a.rows(0), cols: a.cols(0),
                          eps: a.attr(\.layerNormEps), a.output, stats: a.writtenStats)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        try layerNormGradients(&g, x: node.inputs[0], gamma: node.inputs[1], node: node, dOut: dOut)
    }

    /// dx, dgamma, dbeta of `LN(x)`, reading the statistics `node` output.
    static func layerNormGradients(_ g: inout GradientBuilder, x: ValueRef, gamma: ValueRef, node: Node,
                                   dOut: ValueRef) throws -> [GradientContribution?] {
        let (mean, rstd) = (ValueRef(node.id, output: 1), ValueRef(node.id, output: 2))
        let dx = try g.add(.layerNormGrad, [dOut, x, gamma, mean, rstd], attrs: node.attrs, "dx")
        let dgamma = try g.add(.layerNormGammaGrad, [dOut, x, mean, rstd], attrs: node.attrs, "dgamma")
        let dbeta = try g.add(.sumRows, [dOut], "dbeta")
        return [.full(dx), .full(dgamma), .full(dbeta)]
    }
}

/// Fused `LN(x + bias + residual)` — ONNX Runtime's SkipLayerNormalization. Outputs the row
/// statistics like `layerNorm`; its gradient recomputes the sum rather than keeping it alive
/// from the forward pass.
enum SkipLayerNormOp: OpDef {
    static var attributes: Attributes.Case { .layerNorm }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 5)
        try ShapeRules.same(inputs[0], inputs[1], "x and residual")
        guard let c = inputs[0].last else { throw ShapeRuleError("x: expected rank ≥ 1") }
        try ShapeRules.vector(inputs[2], length: c, "bias")
        try ShapeRules.vector(inputs[3], length: c, "gamma")
        try ShapeRules.vector(inputs[4], length: c, "beta")
        return inputs[0]
    }
    static func extraOutputs(_ inputs: [Shape], _ attrs: Attributes) -> [Shape] {
        [statsShape(inputs[0]), statsShape(inputs[0])]
    }
    static func run(_ a: KernelArgs) {
        Kernels.skipLayerNorm(a.input(0), residual: a.input(1), bias: a.input(2), gamma: a.input(3), beta: a.input(4),
                              rows: a.rows(0), cols: a.cols(0), eps: a.attr(\.layerNormEps), a.output, preNorm: nil, stats: a.writtenStats)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        let biased = try g.add(.biasAdd, [node.inputs[0], node.inputs[2]], "recompute.biased")
        let sum = try g.add(.add, [biased, node.inputs[1]], "recompute.sum")
        let ln = try LayerNormOp.layerNormGradients(&g, x: sum, gamma: node.inputs[3], node: node, dOut: dOut)
        guard case let .full(ds)? = ln[0] else { return [] }
        let dbias = try g.add(.sumRows, [ds], "dbias")
        return [.full(ds), .full(ds), .full(dbias), ln[1], ln[2]]
    }
}

/// dx of LayerNorm: inputs dy, x, gamma, and the forward's row mean and 1/σ.
enum LayerNormGradOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .layerNorm }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 5)
        try ShapeRules.same(inputs[0], inputs[1], "dy and x")
        guard let c = inputs[0].last else { throw ShapeRuleError("x: expected rank ≥ 1") }
        try ShapeRules.vector(inputs[2], length: c, "gamma")
        try ShapeRules.same(inputs[3], statsShape(inputs[1]), "mean")
        try ShapeRules.same(inputs[4], statsShape(inputs[1]), "rstd")
        return inputs[0]
    }
    static func run(_ a: KernelArgs) {
        Kernels.layerNormGrad(a.input(0), a.input(1), gamma: a.input(2), rows: a.rows(0), cols: a.cols(0),
                              eps: a.attr(\.layerNormEps), a.output, stats: a.readStats(at: 3))
    }
}

/// `dgamma[c] = Σ_r dy[r,c]·x̂[r,c]`, x̂ from x and the forward's statistics: inputs dy, x, mean, rstd.
enum LayerNormGammaGradOp: BackwardOnlyOpDef {
    static var canAccumulateIntoGradient: Bool { true }
    static var attributes: Attributes.Case { .layerNorm }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 4)
        try ShapeRules.same(inputs[0], inputs[1], "dy and x")
        guard let c = inputs[0].last else { throw ShapeRuleError("x: expected rank ≥ 1") }
        try ShapeRules.same(inputs[2], statsShape(inputs[1]), "mean")
        try ShapeRules.same(inputs[3], statsShape(inputs[1]), "rstd")
        return Shape(c)
    }
    static func run(_ a: KernelArgs) {
        Kernels.layerNormGammaGrad(a.input(0), a.input(1), rows: a.rows(0), cols: a.cols(0), eps: a.attr(\.layerNormEps),
                                   dgamma: a.output, accumulate: a.accumulates, stats: a.readStats(at: 2))
    }
}
