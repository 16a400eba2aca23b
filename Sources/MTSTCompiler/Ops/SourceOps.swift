import MTSTKernels

/// A value fed by the runtime before each run: token ids, positions, mask, labels.
enum InputOp: OpDef {
    static var attributes: Attributes.Case { .input }
    static var isSource: Bool { true }
    static var isFedByRuntime: Bool { true }
    static var isDifferentiable: Bool { false }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        guard let s = attrs.input?.shape else { throw ShapeRuleError("input without a declared shape") }
        return s
    }
    static func run(_ args: KernelArgs) {}
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] { [] }
}

/// A trainable or frozen tensor from the parameter table; lives outside the arena.
enum ParamOp: OpDef {
    static var attributes: Attributes.Case { .param }
    static var isSource: Bool { true }
    static var isParameter: Bool { true }
    static var storage: OpStorage { .store(.weights) }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        throw ShapeRuleError("parameter shapes come from the parameter table")
    }
    static func run(_ args: KernelArgs) {}
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] { [] }
}

/// A scalar filled with its value (the seed gradient of the loss), every run.
enum ConstantOp: OpDef {
    static var attributes: Attributes.Case { .constant }
    static var isSource: Bool { true }
    static var runsKernel: Bool { true }
    static var isDifferentiable: Bool { false }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape { .scalar }
    static func run(_ a: KernelArgs) { a.output.pointee = a.attr(\.constantValue) }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] { [] }
}
