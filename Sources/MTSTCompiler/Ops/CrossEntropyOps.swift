import MTSTKernels

/// Mean softmax cross-entropy over rows whose label is ≥ 0: logits `[N,C]`, labels `[N]` → `[1]`.
/// Tagging heads use it over token rows with non-first pieces and padding labelled −1.
enum CrossEntropyOp: OpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.rank(inputs[0], 2, "logits")
        try ShapeRules.vector(inputs[1], length: inputs[0][0], "labels")
        return .scalar
    }
    static func run(_ a: KernelArgs) {
        Kernels.softmaxCrossEntropy(logits: a.input(0), labels: a.input(1), rows: a.rows(0), classes: a.cols(0), loss: a.output,
                                    denominator: a.lossDenominator)
    }
    static var isMeanOverLabels: Bool { true }
    static func labelCount(_ a: KernelArgs) -> Int {
        Kernels.labelledRowCount(labels: a.input(1), rows: a.rows(0), classes: a.cols(0))
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        [.full(try g.add(.crossEntropyGrad, [node.inputs[0], node.inputs[1], dOut], "dlogits")), nil]
    }
}

/// Inputs logits, labels, dloss `[1]`.
enum CrossEntropyGradOp: BackwardOnlyOpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 3)
        try ShapeRules.rank(inputs[0], 2, "logits")
        try ShapeRules.vector(inputs[1], length: inputs[0][0], "labels")
        try ShapeRules.scalar(inputs[2], "dloss")
        return inputs[0]
    }
    static func run(_ a: KernelArgs) {
        Kernels.softmaxCrossEntropyGrad(logits: a.input(0), labels: a.input(1), rows: a.rows(0), classes: a.cols(0),
                                        dloss: a.input(2).pointee, dlogits: a.output, denominator: a.lossDenominator)
    }
}
