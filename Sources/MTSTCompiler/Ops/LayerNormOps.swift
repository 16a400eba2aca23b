import MTSTKernels

/// LayerNorm over the last dimension with affine `gamma`, `beta`.
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
    static func run(_ a: KernelArgs) {
        Kernels.layerNorm(a.input(0), gamma: a.input(1), beta: a.input(2), rows: a.rows(0), cols: a.cols(0),
                          eps: a.attr(\.layerNormEps), a.output)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        try layerNormGradients(&g, x: node.inputs[0], gamma: node.inputs[1], dOut: dOut, attrs: node.attrs)
    }

    /// dx, dgamma, dbeta of `LN(x)`.
    static func layerNormGradients(_ g: inout GradientBuilder, x: ValueRef, gamma: ValueRef, dOut: ValueRef,
                                   attrs: Attributes) throws -> [GradientContribution?] {
        let dx = try g.add(.layerNormGrad, [dOut, x, gamma], attrs: attrs, "dx")
        let dgamma = try g.add(.layerNormGammaGrad, [dOut, x], attrs: attrs, "dgamma")
        let dbeta = try g.add(.sumRows, [dOut], "dbeta")
        return [.full(dx), .full(dgamma), .full(dbeta)]
    }
}

/// Fused `LN(x + bias + residual)` — ONNX Runtime's SkipLayerNormalization. Its gradient
/// recomputes the sum rather than keeping it alive from the forward pass.
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
    static func run(_ a: KernelArgs) {
        Kernels.skipLayerNorm(a.input(0), residual: a.input(1), bias: a.input(2), gamma: a.input(3), beta: a.input(4),
                              rows: a.rows(0), cols: a.cols(0), eps: a.attr(\.layerNormEps), a.output, preNorm: nil)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        let biased = try g.add(.biasAdd, [node.inputs[0], node.inputs[2]], "recompute.biased")
        let sum = try g.add(.add, [biased, node.inputs[1]], "recompute.sum")
        let ln = try LayerNormOp.layerNormGradients(&g, x: sum, gamma: node.inputs[3], dOut: dOut, attrs: node.attrs)
        guard case let .full(ds)? = ln[0] else { return [] }
        let dbias = try g.add(.sumRows, [ds], "dbias")
        return [.full(ds), .full(ds), .full(dbias), ln[1], ln[2]]
    }
}

enum LayerNormGradOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .layerNorm }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 3)
        try ShapeRules.same(inputs[0], inputs[1], "dy and x")
        guard let c = inputs[0].last else { throw ShapeRuleError("x: expected rank ≥ 1") }
        try ShapeRules.vector(inputs[2], length: c, "gamma")
        return inputs[0]
    }
    static func run(_ a: KernelArgs) {
        Kernels.layerNormGrad(a.input(0), a.input(1), gamma: a.input(2), rows: a.rows(0), cols: a.cols(0),
                              eps: a.attr(\.layerNormEps), a.output)
    }
}

/// `dgamma[c] = Σ_r dy[r,c]·x̂[r,c]`, x̂ recomputed from x.
enum LayerNormGammaGradOp: BackwardOnlyOpDef {
    static var canAccumulateIntoGradient: Bool { true }
    static var attributes: Attributes.Case { .layerNorm }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.same(inputs[0], inputs[1], "dy and x")
        guard let c = inputs[0].last else { throw ShapeRuleError("x: expected rank ≥ 1") }
        return Shape(c)
    }
    static func run(_ a: KernelArgs) {
        Kernels.layerNormGammaGrad(a.input(0), a.input(1), rows: a.rows(0), cols: a.cols(0), eps: a.attr(\.layerNormEps),
                                   dgamma: a.output, accumulate: a.accumulates)
    }
}
