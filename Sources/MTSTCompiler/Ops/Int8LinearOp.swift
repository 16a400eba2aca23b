import MTSTKernels

/// What an `int8Linear` kernel needs beyond float pointers: the layer's weights, quantized per
/// output channel and packed once when the weights are loaded, and the executor's scratch for
/// the per-row activation quantization.
public struct Int8Operands {
    public let weights: Int8PackedWeights
    public let workspace: Int8Workspace
    public init(weights: Int8PackedWeights, workspace: Int8Workspace) {
        self.weights = weights
        self.workspace = workspace
    }
}

/// `epilogue(dequant(q(x) · q(W)ᵀ))` (`Kernels.int8Linear`): a linear layer in int8 arithmetic.
/// Inputs `x [rows, in]`, the weight parameter `W [out, in]` and, unless the epilogue is `none`,
/// the bias `[out]`. Inference-only: `QuantizePass` builds it in the quantized inference program
/// and nothing differentiates it. The weight must be a parameter (the runtime packs it from
/// the parameter store); the plan verifier checks that as it checks the shape rule.
enum Int8LinearOp: OpDef {
    static var attributes: Attributes.Case { .int8Linear }
    static var isDifferentiable: Bool { false }
    static var isInferenceOnly: Bool { true }

    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        let epilogue = attrs.int8Epilogue ?? .none
        try ShapeRules.arity(inputs, epilogue == .none ? 2 : 3)
        try ShapeRules.rank(inputs[0], 2, "x")
        try ShapeRules.rank(inputs[1], 2, "weight")
        guard inputs[1][0].isConstant, inputs[1][1].isConstant else {
            throw ShapeRuleError("weight: expects a constant [out, in] matrix, got \(inputs[1])")
        }
        guard inputs[0][1] == inputs[1][1] else {
            throw ShapeRuleError("x \(inputs[0]) does not fit weight \(inputs[1]) (expects [out, \(inputs[0][1])])")
        }
        if epilogue != .none { try ShapeRules.vector(inputs[2], length: inputs[1][0], "bias") }
        return Shape(inputs[0][0], inputs[1][0])
    }

    static func run(_ a: KernelArgs) {
        guard let int8 = a.int8 else { preconditionFailure("int8Linear \(a.node.name) run without packed weights") }
        let epilogue = a.attr(\.int8Epilogue)
        precondition(int8.weights.outputs == a.outputCols && int8.weights.inputs == a.cols(0), "int8Linear: packed weights do not fit")
        Kernels.int8Linear(a.input(0), rows: a.rows(0), ldx: a.cols(0), weights: int8.weights,
                           bias: epilogue == .none ? nil : a.input(2), epilogue: epilogue,
                           output: a.output, ldo: a.outputCols, workspace: int8.workspace)
    }

    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        throw GraphError.gradient(node: node.name, op: node.kind,
                                  message: "int8Linear is inference-only (quantized weights); training programs keep the fp32 linear layers")
    }
}
