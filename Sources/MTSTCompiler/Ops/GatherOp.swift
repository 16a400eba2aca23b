import MTSTKernels

/// Embedding lookup: `table[V,H]`, float-encoded `ids[N]` → `[N,H]`: row `idOffset + id`
/// (`idOffset` is 0 except for MPNet's positions, which start at row 2).
enum GatherOp: OpDef {
    static var attributes: Attributes.Case { .gather }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.rank(inputs[0], 2, "table")
        try ShapeRules.rank(inputs[1], 1, "ids")
        try ShapeRules.idOffset(attrs, table: inputs[0])
        return Shape(inputs[1][0], inputs[0][1])
    }
    static func run(_ a: KernelArgs) {
        Kernels.gather(table: a.input(0) + a.attr(\.idOffset) * a.cols(0), width: a.cols(0), ids: a.input(1), count: a.count(1), a.output)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        let d = try g.add(.embeddingGrad, [dOut, node.inputs[1], node.inputs[0]], attrs: node.attrs, "dtable")
        return [.full(d), nil]
    }
}

/// Gradient of a gather: zeros of the table's shape with `dy` rows added at the ids.
enum EmbeddingGradOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .gather }
    static var canAccumulateIntoGradient: Bool { true }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 3)
        try ShapeRules.rank(inputs[0], 2, "dy")
        try ShapeRules.vector(inputs[1], length: inputs[0][0], "ids")
        try ShapeRules.rank(inputs[2], 2, "table")
        guard inputs[0][1] == inputs[2][1] else { throw ShapeRuleError("dy \(inputs[0]) does not fit table \(inputs[2])") }
        try ShapeRules.idOffset(attrs, table: inputs[2])
        return inputs[2]
    }
    static func run(_ a: KernelArgs) {
        if !a.accumulates { Kernels.fill(a.output, value: 0, count: a.outputCount) }
        Kernels.scatterAdd(a.input(0), ids: a.input(1), count: a.count(1), width: a.outputCols,
                           table: a.output + a.attr(\.idOffset) * a.outputCols)
    }
}
