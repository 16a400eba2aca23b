/// The optimizer method (AdamW by default, or SGD with momentum) with per-parameter learning
/// rate, weight decay and freezing, resolved by `ParamRules.resolve` into one `ParamSetting`
/// per parameter.
public struct OptimizerSpec: Sendable {
    public var method: OptimizerMethod
    /// Learning rate of every parameter no rule or layer-wise decay changes.
    public var lr: Double
    public var weightDecay: Double
    /// Parameters matching these get weight decay 0 unless a rule sets it.
    public var noDecay: [Located<ParamPattern>]
    public var layerwiseDecay: LayerwiseDecay?
    public var schedule: ScheduleSpec
    public var rules: [ParamRule]
    /// The `optimizer` section (or the file, when the section is absent).
    public var location: SourceLocation

    public static let defaultNoDecay = ["*.bias", "*norm.*"]
    static let keys = ["type", "lr", "betas", "eps", "momentum", "weight_decay", "no_decay", "layerwise_decay", "schedule", "rules"]
    /// Keys that only one method reads; given to another, they would be silently unused.
    static let methodKeys: [OptimizerMethod.Name: [String]] = [.adamw: ["betas", "eps"], .sgd: ["momentum"]]
}

extension OptimizerSpec {
    static func defaults(at location: SourceLocation) -> OptimizerSpec {
        OptimizerSpec(
            method: .adamwDefaults, lr: 5e-5, weightDecay: OptimizerMethod.adamwDefaults.defaultWeightDecay,
            noDecay: defaultNoDecay.map { text in
                // The defaults are known to parse; a failure here is a bug in this file.
                guard let pattern = try? ParamPattern(text) else { preconditionFailure("bad default pattern \(text)") }
                return Located(pattern, at: location, keyPath: "optimizer.no_decay")
            },
            layerwiseDecay: nil, schedule: .default, rules: [], location: location)
    }

    static func decode(_ field: Field?, fileLocation: SourceLocation) throws(SpecError) -> OptimizerSpec {
        guard let field else { return defaults(at: fileLocation) }
        var spec = defaults(at: field.keyLocation ?? field.location)
        let map = try field.map(allowed: keys)
        let name = try map.optional("type")?.choice(OptimizerMethod.Name.self, what: "optimizer") ?? .adamw
        for other in OptimizerMethod.Name.allCases where other != name {
            if let key = methodKeys[other]?.first(where: { map.optional($0) != nil }), let field = map.optional(key) {
                throw field.bad("applies to \(other.rawValue) only, but optimizer.type is \(name.rawValue)")
            }
        }
        switch name {
        case .adamw: spec.method = try decodeAdamW(map)
        case .sgd: spec.method = try decodeSGD(map)
        }
        spec.weightDecay = spec.method.defaultWeightDecay
        if let lr = map.optional("lr") { spec.lr = try lr.positiveDouble() }
        try decodeRest(map, &spec)
        return spec
    }

    private static func decodeAdamW(_ map: FieldMap) throws(SpecError) -> OptimizerMethod {
        var beta1 = 0.9, beta2 = 0.999, eps = 1e-8
        if let betas = map.optional("betas") {
            let items = try betas.list()
            guard items.count == 2 else { throw betas.bad("needs two numbers [beta1, beta2], got \(items.count)") }
            var values: [Double] = []
            for item in items {
                let value = try item.double()
                guard value >= 0, value < 1 else { throw item.bad("must be in [0, 1), got \(value)") }
                values.append(value)
            }
            beta1 = values[0]
            beta2 = values[1]
        }
        if let field = map.optional("eps") { eps = try field.positiveDouble() }
        return .adamw(beta1: beta1, beta2: beta2, eps: eps)
    }

    private static func decodeSGD(_ map: FieldMap) throws(SpecError) -> OptimizerMethod {
        var momentum = 0.0
        if let field = map.optional("momentum") {
            momentum = try field.double()
            guard momentum >= 0, momentum < 1 else { throw field.bad("must be in [0, 1), got \(momentum)") }
        }
        return .sgd(momentum: momentum)
    }

    private static func decodeRest(_ map: FieldMap, _ spec: inout OptimizerSpec) throws(SpecError) {
        if let wd = map.optional("weight_decay") { spec.weightDecay = try wd.nonNegativeDouble() }
        if let noDecay = map.optional("no_decay") {
            // An explicit empty list means "decay everything".
            if case .sequence(let items) = noDecay.node.value, items.isEmpty {
                spec.noDecay = []
            } else {
                spec.noDecay = try ParamRule.decodePatterns(noDecay)
            }
        }
        if let layerwise = map.optional("layerwise_decay") {
            let lw = try layerwise.map(allowed: ["base", "decay"])
            let baseField = lw.optional("base")
            let base = try baseField?.positiveDouble() ?? spec.lr
            // The decay formula gives every parameter its lr, so a different optimizer.lr would
            // be silently unused: refuse the ambiguity instead of picking one.
            if let baseField, let lrField = map.optional("lr"), base != spec.lr {
                throw baseField.bad("\(base) differs from optimizer.lr \(spec.lr) (\(lrField.location.line):\(lrField.location.column)), which layer-wise decay would ignore: it sets every parameter's lr from base; give one of them (base defaults to optimizer.lr)")
            }
            let decayField = try lw.required("decay")
            let decay = try decayField.double()
            guard decay > 0, decay <= 1 else { throw decayField.bad("must be in (0, 1], got \(decay)") }
            spec.layerwiseDecay = LayerwiseDecay(base: base, decay: decay)
        }
        if let schedule = map.optional("schedule") { spec.schedule = try ScheduleSpec.decode(schedule) }
        if let rules = map.optional("rules") {
            var decoded: [ParamRule] = []
            for item in try rules.list() { decoded.append(try ParamRule.decode(item)) }
            spec.rules = decoded
        }
    }
}
