import MTSTKernels

/// A parameter's gradient buffer or AdamW moment (`gradient`, `moment1`, `moment2`): persistent
/// storage outside the arena, resolved by the executor like a parameter.
protocol ParamStateOpDef: BackwardOnlyOpDef {}

extension ParamStateOpDef {
    static var attributes: Attributes.Case { .param }
    static var isSource: Bool { true }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        throw ShapeRuleError("parameter state shapes come from the parameter table")
    }
    static func run(_ args: KernelArgs) {}
}

enum GradientBufferOp: ParamStateOpDef { static var storage: OpStorage { .store(.gradients) } }
enum Moment1Op: ParamStateOpDef { static var storage: OpStorage { .store(.moment1) } }
enum Moment2Op: ParamStateOpDef { static var storage: OpStorage { .store(.moment2) } }

private func state(_ a: KernelArgs, _ slot: Int) -> Float { a.input(a.inputs.count - 1)[slot] }

private func active(_ a: KernelArgs) -> Bool {
    Int(state(a, OptimizerState.epoch)) >= a.attr(\.optimizer).fromEpoch
}

private func optimizerShapes(_ inputs: [Shape], _ attrs: Attributes, arity: Int) throws(ShapeRuleError) {
    guard inputs.count >= arity, inputs.last == Shape(.const(OptimizerState.count)) else {
        throw ShapeRuleError("expects the optimizer state [\(OptimizerState.count)] as last input")
    }
}

/// `‖g·gradScale‖²` of one parameter's gradient, 0 while the parameter is not yet training.
/// Inputs: gradient, state.
enum GradSquaredNormOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .optimizer }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try optimizerShapes(inputs, attrs, arity: 2)
        return .scalar
    }
    static func run(_ a: KernelArgs) {
        let scale = Double(state(a, OptimizerState.gradScale))
        a.output.pointee = active(a) ? Float(Kernels.sumOfSquares(a.input(0), count: a.count(0)) * scale * scale) : 0
    }
}

/// `[scale, ‖g‖]`: the factor every gradient is multiplied by (the accumulation scale, times
/// `clip/‖g‖` when the global norm exceeds `clip`, as `clip_grad_norm_`) and the global norm
/// itself, which the runtime reads to stop on a non-finite gradient. A non-finite norm makes the
/// scale NaN, so AdamW leaves every weight as it was. Inputs: every parameter's squared norm,
/// then the state.
enum ClipScaleOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .clip }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try optimizerShapes(inputs, attrs, arity: 1)
        for s in inputs.dropLast() { try ShapeRules.scalar(s, "squared norm") }
        return Shape(.const(2))
    }
    static func run(_ a: KernelArgs) {
        var total = 0.0
        for i in 0..<(a.inputs.count - 1) { total += Double(a.input(i).pointee) }
        let norm = total.squareRoot()
        let clip = a.attr(\.clipNorm)
        var scale = Double(state(a, OptimizerState.gradScale))
        if !norm.isFinite {
            scale = .nan
        } else if clip > 0, norm > clip {
            scale *= clip / (norm + 1e-6)
        }
        a.output[0] = Float(scale)
        a.output[1] = Float(norm)
    }
}

/// One decoupled AdamW step with bias correction on one parameter, then its gradient buffer is
/// cleared for the next accumulation. Inputs: param, gradient, moment1, moment2, scale, state.
/// Bias correction counts the updates since the parameter joined training.
enum AdamWOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .optimizer }
    static var hasSideEffects: Bool { true }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try optimizerShapes(inputs, attrs, arity: 6)
        guard inputs.count == 6 else { throw ShapeRuleError("expects 6 inputs, got \(inputs.count)") }
        for i in 1...3 { try ShapeRules.same(inputs[0], inputs[i], "parameter and its state") }
        guard inputs[4] == Shape(.const(2)) else { throw ShapeRuleError("scale: expects clipScale's [scale, norm] [2], got \(inputs[4])") }
        return .none
    }
    static func run(_ a: KernelArgs) {
        let count = a.count(0)
        let grad = a.inputs[1]
        defer { Kernels.fill(grad, value: 0, count: count) }
        guard active(a), let o = a.attrs.optimizer else { return }
        let update = Int(state(a, OptimizerState.update))
        let step = update - o.fromEpoch * Int(state(a, OptimizerState.updatesPerEpoch))
        let scale = a.input(4).pointee
        guard step >= 1, scale.isFinite else { return }
        Kernels.adamw(param: a.inputs[0], grad: a.input(1), m: a.inputs[2], v: a.inputs[3], count: count,
                      lr: Float(o.lr * Double(state(a, OptimizerState.lrFactor))), beta1: Float(o.beta1),
                      beta2: Float(o.beta2), eps: Float(o.eps), weightDecay: Float(o.weightDecay), step: step,
                      gradScale: scale)
    }
}
