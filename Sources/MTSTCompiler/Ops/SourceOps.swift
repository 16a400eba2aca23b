import MTSTKernels

/// A value fed by the runtime before each run: token ids, positions, mask, labels.
enum InputOp: OpDef {
    static var isSource: Bool { true }
    static var isDifferentiable: Bool { false }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        guard let s = attrs.declaredShape else { throw ShapeRuleError("input without a declared shape") }
        return s
    }
    static func run(_ args: KernelArgs) {}
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: NodeID) throws -> [GradientContribution?] { [] }
}

/// A trainable or frozen tensor from the parameter table; lives outside the arena.
enum ParamOp: OpDef {
    static var isSource: Bool { true }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        throw ShapeRuleError("parameter shapes come from the parameter table")
    }
    static func run(_ args: KernelArgs) {}
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: NodeID) throws -> [GradientContribution?] { [] }
}

/// A scalar filled with `attrs.value` (the seed gradient of the loss).
enum ConstantOp: OpDef {
    static var isSource: Bool { true }
    static var isDifferentiable: Bool { false }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape { .scalar }
    static func run(_ args: KernelArgs) { args.output.pointee = args.attrs.value }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: NodeID) throws -> [GradientContribution?] { [] }
}
