/// One entry of `optimizer.rules`: which parameters it selects and the fields it overrides.
/// Rules apply in order; a later rule overrides only the fields it sets.
public struct ParamRule: Sendable {
    public var patterns: [Located<ParamPattern>]
    /// true: never trains; false: trains from epoch 0 (undoes an earlier freeze).
    public var frozen: Bool?
    public var unfreeze: GradualUnfreeze?
    /// Frozen for epochs before this one (epochs are 0-based), then trains.
    public var frozenUntilEpoch: Int?
    /// Absolute learning rate.
    public var lr: Double?
    /// Multiplies whatever learning rate the parameter has after the earlier rules.
    public var lrScale: Double?
    public var weightDecay: Double?
    /// The rule's list item, e.g. `optimizer.rules[2]`.
    public var location: SourceLocation
    public var keyPath: String
    /// Where each key of the rule (`lr`, `frozen_until_epoch`, …) has its value.
    public var fieldLocations: [String: SourceLocation] = [:]

    /// Short human name for the parameters this rule touches and what it does, used as the
    /// group label in the compile printout: `layers[4-7] gradual`.
    public var label: String {
        let subject = patterns.map { Self.shortName($0.value.text) }.joined(separator: ",")
        var actions: [String] = []
        if let frozen { actions.append(frozen ? "frozen" : "trainable") }
        if unfreeze != nil { actions.append("gradual") }
        if let frozenUntilEpoch { actions.append("from epoch \(frozenUntilEpoch)") }
        if let lr { actions.append("lr \(lr)") }
        if let lrScale { actions.append("lr×\(lrScale)") }
        if let weightDecay { actions.append("wd \(weightDecay)") }
        return ([subject] + actions).joined(separator: " ")
    }

    /// `backbone.layers[4-7].*` → `layers[4-7]`, `backbone.*` → `backbone`: the prefix and
    /// the trailing wildcard add nothing to a label.
    static func shortName(_ pattern: String) -> String {
        var name = Substring(pattern)
        while name.hasSuffix(".*") { name = name.dropLast(2) }
        if name.hasPrefix("backbone.") { name = name.dropFirst("backbone.".count) }
        return String(name)
    }
}

/// Frozen at first, then matched layers start training from the top down:
/// `layersPerEpoch` layers at `startEpoch`, the next ones an epoch later, and so on.
public struct GradualUnfreeze: Sendable, Equatable {
    public var startEpoch: Int
    public var layersPerEpoch: Int

    public init(startEpoch: Int = 1, layersPerEpoch: Int = 1) {
        self.startEpoch = startEpoch
        self.layersPerEpoch = layersPerEpoch
    }
}

extension ParamRule {
    static let keys = ["params", "frozen", "unfreeze", "frozen_until_epoch", "lr", "lr_scale", "weight_decay"]

    static func decode(_ field: Field) throws(SpecError) -> ParamRule {
        let map = try field.map(allowed: keys)
        let patterns = try decodePatterns(try map.required("params"))
        var rule = ParamRule(patterns: patterns, location: field.location, keyPath: field.keyPath)
        for key in keys {
            if let value = map.optional(key) { rule.fieldLocations[key] = value.location }
        }
        rule.frozen = try map.optional("frozen")?.bool()
        if let unfreeze = map.optional("unfreeze") {
            rule.unfreeze = try decodeUnfreeze(unfreeze)
        }
        rule.frozenUntilEpoch = try map.optional("frozen_until_epoch")?.nonNegativeInt()
        rule.lr = try map.optional("lr")?.positiveDouble()
        rule.lrScale = try map.optional("lr_scale")?.positiveDouble()
        rule.weightDecay = try map.optional("weight_decay")?.nonNegativeDouble()

        let freezeKeys = ["frozen", "unfreeze", "frozen_until_epoch"].filter { map.optional($0) != nil }
        if freezeKeys.count > 1, let second = map.optional(freezeKeys[1]) {
            throw second.bad("conflicts with \(freezeKeys[0]) in the same rule; set one of frozen, unfreeze, frozen_until_epoch")
        }
        // A parameter frozen for the whole run never takes an optimizer step, so an lr or weight
        // decay in the same rule would be silently without effect.
        if rule.frozen == true, let key = ["lr", "lr_scale", "weight_decay"].first(where: { map.optional($0) != nil }),
           let value = map.optional(key) {
            throw value.bad("has no effect: the same rule sets frozen: true, and a frozen parameter never trains; remove \(key), or set it in the rule that makes these parameters train")
        }
        if rule.lr != nil, let scale = map.optional("lr_scale") {
            throw scale.bad("conflicts with lr in the same rule; use lr (absolute) or lr_scale (relative)")
        }
        if freezeKeys.isEmpty && rule.lr == nil && rule.lrScale == nil && rule.weightDecay == nil {
            throw .badValue(at: field.location, keyPath: field.keyPath,
                            message: "the rule changes nothing; set frozen, unfreeze, frozen_until_epoch, lr, lr_scale or weight_decay")
        }
        return rule
    }

    static func decodePatterns(_ field: Field) throws(SpecError) -> [Located<ParamPattern>] {
        let items = field.listOrSingle()
        if items.isEmpty { throw field.bad("needs at least one pattern") }
        var patterns: [Located<ParamPattern>] = []
        for item in items {
            let text = try item.string()
            do {
                patterns.append(item.located(try ParamPattern(text)))
            } catch {
                throw .badPattern(at: item.location, keyPath: item.keyPath, pattern: text, message: error.message)
            }
        }
        return patterns
    }

    private static func decodeUnfreeze(_ field: Field) throws(SpecError) -> GradualUnfreeze {
        if case .scalar = field.node.value {
            guard try field.string() == "gradual" else {
                throw field.bad("expected 'gradual' or a mapping {start_epoch, layers_per_epoch}")
            }
            return GradualUnfreeze()
        }
        let map = try field.map(allowed: ["start_epoch", "layers_per_epoch"])
        var gradual = GradualUnfreeze()
        if let start = map.optional("start_epoch") { gradual.startEpoch = try start.nonNegativeInt() }
        if let step = map.optional("layers_per_epoch") { gradual.layersPerEpoch = try step.positiveInt() }
        return gradual
    }
}
