import MTSTKernels

private func pooledShape(_ inputs: [Shape], withMask: Bool) throws(ShapeRuleError) -> Shape {
    try ShapeRules.arity(inputs, withMask ? 2 : 1)
    let h = try ShapeRules.tokenMatrix(inputs[0], "hidden")
    if withMask { try ShapeRules.mask(inputs[1]) }
    return Shape(.batch, .const(h))
}

private func tokenGradShape(_ dy: Shape) throws(ShapeRuleError) -> Shape {
    guard dy.rank == 2, dy[0] == .batch else { throw ShapeRuleError("dy: expects pooled [B,H], got \(dy)") }
    return Shape(.tokens, dy[1])
}

/// Mask-aware mean over tokens, as sentence-transformers pools.
enum MeanPoolOp: OpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try pooledShape(inputs, withMask: true)
    }
    static func run(_ a: KernelArgs) {
        Kernels.meanPool(a.input(0), mask: a.input(1), batch: a.batch, seq: a.seq, starts: a.starts, hidden: a.cols(0), a.output)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        [.full(try g.add(.meanPoolGrad, [dOut, node.inputs[1]], "dhidden")), nil]
    }
}

enum MeanPoolGradOp: BackwardOnlyOpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.mask(inputs[1])
        return try tokenGradShape(inputs[0])
    }
    static func run(_ a: KernelArgs) {
        Kernels.meanPoolGrad(a.input(0), mask: a.input(1), batch: a.batch, seq: a.seq, starts: a.starts, hidden: a.cols(0), a.output)
    }
}

/// The `[CLS]` token's features.
enum ClsPoolOp: OpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try pooledShape(inputs, withMask: false)
    }
    static func run(_ a: KernelArgs) {
        Kernels.clsPool(a.input(0), batch: a.batch, seq: a.seq, starts: a.starts, hidden: a.cols(0), a.output)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        [.full(try g.add(.clsPoolGrad, [dOut], "dhidden"))]
    }
}

enum ClsPoolGradOp: BackwardOnlyOpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 1)
        return try tokenGradShape(inputs[0])
    }
    static func run(_ a: KernelArgs) {
        Kernels.clsPoolGrad(a.input(0), batch: a.batch, seq: a.seq, starts: a.starts, hidden: a.cols(0), a.output)
    }
}

/// Mask-aware max over tokens.
enum MaxPoolOp: OpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try pooledShape(inputs, withMask: true)
    }
    static func run(_ a: KernelArgs) {
        Kernels.maxPool(a.input(0), mask: a.input(1), batch: a.batch, seq: a.seq, starts: a.starts, hidden: a.cols(0), a.output)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        [.full(try g.add(.maxPoolGrad, [dOut, node.inputs[0], node.inputs[1]], "dhidden")), nil]
    }
}

enum MaxPoolGradOp: BackwardOnlyOpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 3)
        let shape = try tokenGradShape(inputs[0])
        try ShapeRules.same(inputs[1], shape, "hidden")
        try ShapeRules.mask(inputs[2])
        return shape
    }
    static func run(_ a: KernelArgs) {
        Kernels.maxPoolGrad(a.input(0), a.input(1), mask: a.input(2), batch: a.batch, seq: a.seq, starts: a.starts, hidden: a.cols(0), a.output)
    }
}

/// `x / max(‖x‖₂, eps)` per row.
enum L2NormalizeOp: OpDef {
    static var attributes: Attributes.Case { .l2Normalize }
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 1)
        return inputs[0]
    }
    static func run(_ a: KernelArgs) {
        Kernels.l2Normalize(a.input(0), rows: a.rows(0), cols: a.cols(0), eps: a.attr(\.l2Eps), a.output)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        [.full(try g.add(.l2NormalizeGrad, [dOut, node.inputs[0]], attrs: node.attrs, "dx"))]
    }
}

enum L2NormalizeGradOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .l2Normalize }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.same(inputs[0], inputs[1], "dy and x")
        return inputs[0]
    }
    static func run(_ a: KernelArgs) {
        Kernels.l2NormalizeGrad(a.input(0), a.input(1), rows: a.rows(0), cols: a.cols(0), eps: a.attr(\.l2Eps), a.output)
    }
}
