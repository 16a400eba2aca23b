import MTSTKernels

/// A parameter's gradient buffer or one of its optimizer-state buffers: persistent storage
/// outside the arena, resolved by the executor like a parameter. The shape comes from the
/// parameter table.
protocol ParamStateOpDef: BackwardOnlyOpDef {}

extension ParamStateOpDef {
    static var isSource: Bool { true }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        throw ShapeRuleError("parameter state shapes come from the parameter table")
    }
    static func run(_ args: KernelArgs) {}
}

/// `gradient`: the parameter's gradient buffer.
enum GradientBufferOp: ParamStateOpDef {
    static var attributes: Attributes.Case { .param }
    static var storage: OpStorage { .store(.gradients) }
}

/// `paramState`: state buffer `stateSlot` of the optimizer method (AdamW's m and v, SGD's
/// velocity), one per name in `OptimizerMethod.stateNames`, so a method keeps only the buffers
/// it reads (SGD without momentum keeps none).
enum ParamStateOp: ParamStateOpDef {
    static var attributes: Attributes.Case { .optimizer }
    static var storage: OpStorage { .store(.optimizerState) }
}

/// The runtime's per-step values (`OptimizerState`) are the last input of every optimizer op.
private func state(_ a: KernelArgs) -> UnsafeMutablePointer<Float> { a.inputs[a.inputs.count - 1] }

/// This parameter's row of the step input: its lr, weight decay and update count.
private func row(_ a: KernelArgs, _ field: Int) -> Float {
    state(a)[OptimizerState.index(param: a.attrs.param ?? 0, field)]
}

/// The last input is the step input, long enough to hold this parameter's row (the plan
/// verifier reruns this rule, so a kernel never reads past it).
private func stateInput(_ inputs: [Shape], _ attrs: Attributes, arity: Int, perParam: Bool) throws(ShapeRuleError) {
    guard inputs.count >= arity, let last = inputs.last, last.dims.count == 1, last[0].isConstant else {
        throw ShapeRuleError("expects the optimizer state [n] as last input")
    }
    // A parameter index from a file may be anything: bound it before the row arithmetic.
    let param = attrs.param.map { $0 >= 0 && $0 <= PlanLimits.maxParams ? $0 : -1 }
    let needed = perParam ? OptimizerState.index(param: max(param ?? 0, 0), OptimizerState.step) + 1 : OptimizerState.header
    guard param.map({ $0 >= 0 }) ?? !perParam, last[0].coefficient >= needed else {
        throw ShapeRuleError("the optimizer state \(last) has no row for parameter \(attrs.param.map(String.init) ?? "nil")")
    }
}

/// `‖g·gradScale‖²` of one parameter's gradient, 0 when the parameter takes no update in this
/// step. Inputs: gradient, state.
enum GradSquaredNormOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .optimizer }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try stateInput(inputs, attrs, arity: 2, perParam: true)
        return .scalar
    }
    static func run(_ a: KernelArgs) {
        let scale = Double(state(a)[OptimizerState.gradScale])
        a.output.pointee = row(a, OptimizerState.step) >= 1
            ? Float(Kernels.sumOfSquares(a.input(0), count: a.count(0)) * scale * scale) : 0
    }
}

/// `[scale, ‖g‖]`: the factor every gradient is multiplied by (the accumulation scale, times
/// `clip/‖g‖` when the global norm exceeds `clip`, as `clip_grad_norm_`) and the global norm
/// itself, which the runtime reads to stop on a non-finite gradient. A non-finite norm makes the
/// scale NaN, so the update ops leave every weight as it was. Inputs: every parameter's squared
/// norm, then the state.
enum ClipScaleOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .clip }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try stateInput(inputs, attrs, arity: 1, perParam: false)
        for s in inputs.dropLast() { try ShapeRules.scalar(s, "squared norm") }
        return Shape(.const(2))
    }
    static func run(_ a: KernelArgs) {
        var total = 0.0
        for i in 0..<(a.inputs.count - 1) { total += Double(a.input(i).pointee) }
        // ZeRO stage 1: this rank summed only the parameters it updates; the norm is global.
        if let sync = a.gradientSync, sync.sumsNormsAcrossRanks { total = sync.globalSum(total) }
        let norm = total.squareRoot()
        let clip = a.attr(\.clipNorm)
        var scale = Double(state(a)[OptimizerState.gradScale])
        if !norm.isFinite {
            scale = .nan
        } else if clip > 0, norm > clip {
            scale *= clip / (norm + 1e-6)
        }
        a.output[0] = Float(scale)
        a.output[1] = Float(norm)
    }
}

/// Checks an update op's inputs: param, gradient, one buffer per state slot of its method (all
/// of the parameter's shape), clipScale's `[scale, ‖g‖]`, then the step input.
private func updateShapes(_ inputs: [Shape], _ attrs: Attributes, _ kind: OptimizerMethod.Name) throws(ShapeRuleError) {
    guard let method = attrs.optimizer?.method, method.name == kind else {
        throw ShapeRuleError("expects \(kind.rawValue) hyper-parameters")
    }
    let arity = 4 + method.stateNames.count
    guard inputs.count == arity else { throw ShapeRuleError("expects \(arity) inputs, got \(inputs.count)") }
    try stateInput(inputs, attrs, arity: arity, perParam: true)
    for i in 1..<(arity - 2) { try ShapeRules.same(inputs[0], inputs[i], "parameter and its state") }
    guard inputs[arity - 2] == Shape(.const(2)) else {
        throw ShapeRuleError("scale: expects clipScale's [scale, norm] [2], got \(inputs[arity - 2])")
    }
}

/// One decoupled AdamW step with bias correction on one parameter. Inputs: param, gradient, m,
/// v, scale, state. The runtime counts the parameter's updates (the bias correction's t) and
/// clears the gradients after the step.
enum AdamWOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .optimizer }
    static var hasSideEffects: Bool { true }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try updateShapes(inputs, attrs, .adamw)
        return .none
    }
    static func run(_ a: KernelArgs) {
        guard case .adamw(let beta1, let beta2, let eps)? = a.attr(\.optimizer).method else { return }
        let step = Int(row(a, OptimizerState.step))
        let scale = a.input(4).pointee
        guard step >= 1, scale.isFinite else { return }
        Kernels.adamw(param: a.inputs[0], grad: a.input(1), m: a.inputs[2], v: a.inputs[3], count: a.count(0),
                      lr: row(a, OptimizerState.lr), beta1: Float(beta1), beta2: Float(beta2), eps: Float(eps),
                      weightDecay: row(a, OptimizerState.weightDecay), step: step, gradScale: scale)
    }
}

/// One SGD step with momentum on one parameter, as torch.optim.SGD. Inputs: param, gradient,
/// velocity (when momentum > 0), scale, state.
enum SGDOp: BackwardOnlyOpDef {
    static var attributes: Attributes.Case { .optimizer }
    static var hasSideEffects: Bool { true }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try updateShapes(inputs, attrs, .sgd)
        return .none
    }
    static func run(_ a: KernelArgs) {
        guard case .sgd(let momentum)? = a.attr(\.optimizer).method else { return }
        let hasVelocity = momentum > 0
        let scale = a.input(hasVelocity ? 3 : 2).pointee
        guard row(a, OptimizerState.step) >= 1, scale.isFinite else { return }
        Kernels.sgd(param: a.inputs[0], grad: a.input(1), velocity: hasVelocity ? a.inputs[2] : nil, count: a.count(0),
                    lr: row(a, OptimizerState.lr), momentum: Float(momentum),
                    weightDecay: row(a, OptimizerState.weightDecay), gradScale: scale)
    }
}
