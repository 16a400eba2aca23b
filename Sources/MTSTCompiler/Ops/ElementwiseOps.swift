import MTSTKernels

enum AddOp: OpDef {
    static var isCommutative: Bool { true }
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.same(inputs[0], inputs[1], "add")
        return inputs[0]
    }
    static func run(_ a: KernelArgs) { Kernels.add(a.input(0), a.input(1), a.output, count: a.outputCount) }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        [.full(dOut), .full(dOut)]
    }
}

/// `x · factor` (loss weights).
enum ScaleOp: OpDef {
    static var attributes: Attributes.Case { .scale }
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 1)
        return inputs[0]
    }
    static func run(_ a: KernelArgs) { Kernels.scale(a.input(0), by: a.attr(\.scaleFactor), a.output, count: a.outputCount) }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        [.full(try g.add(.scale, [dOut], attrs: node.attrs, "dx"))]
    }
}

/// `x[r,c] + bias[c]`.
enum BiasAddOp: OpDef {
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.rowBias(inputs)
    }
    static func run(_ a: KernelArgs) {
        Kernels.biasAdd(a.input(0), bias: a.input(1), rows: a.rows(0), cols: a.cols(0), a.output)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        [.full(dOut), .full(try g.add(.sumRows, [dOut], "dbias"))]
    }
}

/// Column sums `out[c] = Σ_r x[r,c]` (bias and LayerNorm beta gradients).
enum SumRowsOp: BackwardOnlyOpDef {
    static var canAccumulateIntoGradient: Bool { true }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 1)
        guard let c = inputs[0].last else { throw ShapeRuleError("x: expected rank ≥ 1") }
        return Shape(c)
    }
    static func run(_ a: KernelArgs) {
        Kernels.sumRows(a.input(0), rows: a.rows(0), cols: a.cols(0), a.output, accumulate: a.accumulates)
    }
}

/// Inverted dropout with a mask drawn from (step seed, site stream): backward redraws it.
enum DropoutOp: OpDef {
    static var attributes: Attributes.Case { .dropout }
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 1)
        let p = attrs.dropout?.p ?? -1
        guard p >= 0, p < 1 else { throw ShapeRuleError("dropout must be in [0,1), got \(p)") }
        return inputs[0]
    }
    static func run(_ a: KernelArgs) {
        a.dropoutMask(a.input(0), a.output, p: a.attr(\.dropout).p, seed: a.dropoutSeed)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        [.full(try g.add(.dropoutGrad, [dOut], attrs: node.attrs, "dx"))]
    }
}

enum DropoutGradOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .dropout }
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try DropoutOp.shape(inputs, attrs)
    }
    static func run(_ a: KernelArgs) {
        a.dropoutMask(a.input(0), a.output, p: a.attr(\.dropout).p, seed: a.dropoutSeed)
    }
}

/// Joins column blocks `[rows, w_i]` into `[rows, Σw_i]` (the Q, K, V gradients of a packed QKV).
enum ConcatColumnsOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .concat }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        let widths = attrs.widths ?? []
        guard !inputs.isEmpty, inputs.count == widths.count else { throw ShapeRuleError("widths do not match inputs") }
        try ShapeRules.rank(inputs[0], 2, "part")
        let rows = inputs[0][0]
        for (s, w) in zip(inputs, widths) {
            guard s.rank == 2, s[0] == rows, s[1] == .const(w) else { throw ShapeRuleError("part \(s) does not fit [\(rows),\(w)]") }
        }
        guard let total = SizeMath.sum(widths) else { throw ShapeRuleError("widths overflow") }
        return Shape(rows, .const(total))
    }
    static func run(_ a: KernelArgs) {
        Kernels.concatColumns(a.inputs, widths: a.attr(\.widths), rows: a.rows(0), a.output)
    }
}

/// Adds a parameter's gradient into its persistent gradient buffer (the executor passes that
/// buffer as the output), so gradient accumulation over micro-batches costs nothing extra.
enum GradAccumulateOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .param }
    static var storage: OpStorage { .gradientBuffer }
    static var hasSideEffects: Bool { true }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 1)
        return .none
    }
    static func run(_ a: KernelArgs) { Kernels.accumulate(a.input(0), into: a.output, count: a.count(0)) }
}
