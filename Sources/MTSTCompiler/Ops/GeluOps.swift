import MTSTKernels

/// Exact GELU, `0.5·x·(1 + erf(x/√2))`, as BERT uses.
enum GeluOp: OpDef {
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 1)
        return inputs[0]
    }
    static func run(_ a: KernelArgs) { Kernels.gelu(a.input(0), a.output, count: a.outputCount) }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        [.full(try g.add(.geluGrad, [dOut, node.inputs[0]], "dx"))]
    }
}

/// Fused `gelu(x + bias)`.
enum BiasGeluOp: OpDef {
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.rowBias(inputs)
    }
    static func run(_ a: KernelArgs) {
        Kernels.biasGelu(a.input(0), bias: a.input(1), rows: a.rows(0), cols: a.cols(0), a.output)
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        let dx = try g.add(.biasGeluGrad, [dOut, node.inputs[0], node.inputs[1]], "dx")
        return [.full(dx), .full(try g.add(.sumRows, [dx], "dbias"))]
    }
}

enum GeluGradOp: BackwardOnlyOpDef {
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.same(inputs[0], inputs[1], "dy and x")
        return inputs[0]
    }
    static func run(_ a: KernelArgs) { Kernels.geluGrad(a.input(0), a.input(1), a.output, count: a.outputCount) }
}

enum BiasGeluGradOp: BackwardOnlyOpDef {
    static var inPlaceInput: Int? { 0 }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 3)
        try ShapeRules.same(inputs[0], inputs[1], "dy and x")
        _ = try ShapeRules.rowBias([inputs[1], inputs[2]])
        return inputs[0]
    }
    static func run(_ a: KernelArgs) {
        Kernels.biasGeluGrad(a.input(0), a.input(1), bias: a.input(2), rows: a.rows(0), cols: a.cols(0), a.output)
    }
}
