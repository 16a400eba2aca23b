/// Resolves `optimizer` settings and rules into one `ParamSetting` per parameter.
///
/// Order of application: the base lr (`lr`, or the layer-wise decay formula when
/// `layerwise_decay` is set), weight decay (0 for `no_decay` matches), then each rule in order,
/// each overriding only the fields it sets.
public enum ParamRules {
    public static func resolve(_ opt: OptimizerSpec, params: [ParamEntry], numLayers: Int, epochs: Int) throws(SpecError) -> [ParamSetting] {
        var settings = params.map { param in
            ParamSetting(
                path: param.path,
                lr: opt.layerwiseDecay?.lr(layer: param.layer, isEmbedding: param.isEmbedding, numLayers: numLayers) ?? opt.lr,
                weightDecay: opt.noDecay.contains { $0.value.matches(param.path) } ? 0 : opt.weightDecay,
                frozen: false, trainFromEpoch: 0,
                group: baseGroup(param, layerwise: opt.layerwiseDecay != nil))
        }
        for pattern in opt.noDecay {
            _ = try matching(pattern, params: params, numLayers: numLayers)
        }

        var ruleLabels = [[String]](repeating: [], count: params.count)
        var selections: [[Int]] = []
        var frozenBy = [String?](repeating: nil, count: params.count)
        for rule in opt.rules {
            var selected = Set<Int>()
            for pattern in rule.patterns {
                selected.formUnion(try matching(pattern, params: params, numLayers: numLayers))
            }
            let indices = selected.sorted()
            selections.append(indices)
            let label = rule.label

            if let frozen = rule.frozen {
                for i in indices {
                    settings[i].frozen = frozen
                    settings[i].trainFromEpoch = 0
                    frozenBy[i] = frozen ? rule.keyPath : nil
                }
            }
            if let epoch = rule.frozenUntilEpoch {
                guard epoch < epochs else {
                    throw .badValue(at: rule.fieldLocations["frozen_until_epoch"] ?? rule.location,
                                    keyPath: "\(rule.keyPath).frozen_until_epoch",
                                    message: "epoch \(epoch) is past the last epoch (\(epochs - 1), epochs are 0-based), so these parameters would never train; use frozen: true")
                }
                for i in indices {
                    settings[i].frozen = false
                    settings[i].trainFromEpoch = epoch
                }
            }
            if let gradual = rule.unfreeze {
                let epochsByIndex = try gradualEpochs(gradual, rule: rule, indices: indices, params: params, epochs: epochs)
                for (i, epoch) in epochsByIndex {
                    settings[i].frozen = false
                    settings[i].trainFromEpoch = epoch
                }
            }
            for i in indices {
                if let lr = rule.lr { settings[i].lr = lr }
                if let scale = rule.lrScale { settings[i].lr *= scale }
                if let wd = rule.weightDecay { settings[i].weightDecay = wd }
                ruleLabels[i].append(label)
            }
        }
        try checkEffective(opt.rules, selections: selections, settings: settings, frozenBy: frozenBy)
        for i in settings.indices where !ruleLabels[i].isEmpty {
            settings[i].group = ruleLabels[i].joined(separator: " + ")
        }
        return settings
    }

    /// An lr, lr_scale or weight_decay whose parameters all end up frozen for the whole run
    /// changes nothing; say so rather than accept it (a later `frozen: true` rule, typically).
    private static func checkEffective(_ rules: [ParamRule], selections: [[Int]], settings: [ParamSetting],
                                       frozenBy: [String?]) throws(SpecError) {
        for (rule, indices) in zip(rules, selections) where !indices.isEmpty && indices.allSatisfy({ settings[$0].frozen }) {
            guard let key = ["lr", "lr_scale", "weight_decay"].first(where: { rule.fieldLocations[$0] != nil }) else { continue }
            let by = indices.compactMap { frozenBy[$0] }.last.map { " by \($0)" } ?? ""
            throw .badValue(at: rule.fieldLocations[key] ?? rule.location, keyPath: "\(rule.keyPath).\(key)",
                            message: "has no effect: every parameter this rule selects is frozen for the whole run\(by); remove \(key), or unfreeze the parameters")
        }
    }

    /// Rows for the compile printout: parameters grouped by label and training schedule, in
    /// order of first appearance, with their lr and weight-decay ranges.
    public static func summary(_ settings: [ParamSetting], _ params: [ParamEntry]) -> [GroupSummary] {
        precondition(settings.count == params.count, "one setting per parameter")
        struct Key: Hashable { let group: String; let epoch: Int; let frozen: Bool }
        var order: [Key] = []
        var rows: [Key: GroupSummary] = [:]
        for (setting, param) in zip(settings, params) {
            let key = Key(group: setting.group, epoch: setting.trainFromEpoch, frozen: setting.frozen)
            if var row = rows[key] {
                row.paramCount += 1
                row.elementCount += ModelDescription.elements(param)
                row.lr = min(row.lr.lowerBound, setting.lr)...max(row.lr.upperBound, setting.lr)
                row.weightDecay = min(row.weightDecay.lowerBound, setting.weightDecay)...max(row.weightDecay.upperBound, setting.weightDecay)
                rows[key] = row
            } else {
                order.append(key)
                rows[key] = GroupSummary(
                    group: setting.group, paramCount: 1, elementCount: ModelDescription.elements(param),
                    lr: setting.lr...setting.lr, weightDecay: setting.weightDecay...setting.weightDecay,
                    trainFromEpoch: setting.trainFromEpoch, frozen: setting.frozen)
            }
        }
        return order.compactMap { rows[$0] }
    }

    /// Label of a parameter no rule touched.
    static func baseGroup(_ param: ParamEntry, layerwise: Bool) -> String {
        if param.isEmbedding { return "embeddings" }
        if let layer = param.layer { return layerwise ? "layers[\(layer)]" : "layers" }
        if param.isHead {
            let parts = param.path.split(separator: ".")
            return parts.count >= 2 ? "heads.\(parts[1])" : "heads"
        }
        return param.path.split(separator: ".").first.map(String.init) ?? param.path
    }

    private static func matching(_ pattern: Located<ParamPattern>, params: [ParamEntry], numLayers: Int) throws(SpecError) -> [Int] {
        // Indices only occur in `layers[i]`, so a range past the last layer names layers that do
        // not exist even when its lower part matches: `layers[0-99]` on a 2-layer model.
        if let range = pattern.value.indexRanges.first(where: { $0.upperBound >= numLayers }) {
            let text = range.lowerBound == range.upperBound ? "[\(range.lowerBound)]" : "[\(range.lowerBound)-\(range.upperBound)]"
            throw .badPattern(at: pattern.location, keyPath: pattern.keyPath, pattern: pattern.value.text,
                              message: "\(text) reaches layer \(range.upperBound), but the backbone has \(numLayers) layer\(numLayers == 1 ? "" : "s") (layers[0-\(numLayers - 1)])")
        }
        let indices = params.indices.filter { pattern.value.matches(params[$0].path) }
        guard indices.isEmpty else { return indices }
        var known: [String] = []
        if numLayers > 0 { known.append("backbone has layers[0-\(numLayers - 1)]") }
        var heads: [String] = []
        for param in params where param.isHead {
            let name = param.path.split(separator: ".").dropFirst().first.map(String.init) ?? ""
            if !heads.contains(name) { heads.append(name) }
        }
        known.append(heads.isEmpty ? "no heads" : "heads: " + heads.joined(separator: ", "))
        if params.contains(where: { $0.path.hasPrefix("pooling.") }) { known.append("pooling.norm") }
        throw .badPattern(at: pattern.location, keyPath: pattern.keyPath, pattern: pattern.value.text,
                          message: "matches no parameter (\(known.joined(separator: "; ")))")
    }

    /// Layers sorted from the top down start training `layersPerEpoch` at a time; the
    /// embeddings count as the layer below layer 0.
    private static func gradualEpochs(_ gradual: GradualUnfreeze, rule: ParamRule, indices: [Int],
                                      params: [ParamEntry], epochs: Int) throws(SpecError) -> [(Int, Int)] {
        let at = rule.fieldLocations["unfreeze"] ?? rule.location
        let keyPath = "\(rule.keyPath).unfreeze"
        var depth: [Int: Int] = [:]
        for i in indices {
            if let layer = params[i].layer {
                depth[i] = layer
            } else if params[i].isEmbedding {
                depth[i] = -1
            } else {
                throw .badValue(at: at, keyPath: keyPath,
                                message: "gradual unfreezing goes layer by layer, but \(params[i].path) belongs to no backbone layer")
            }
        }
        let layers = Set(depth.values).sorted(by: >)
        var epochOfLayer: [Int: Int] = [:]
        for (rank, layer) in layers.enumerated() {
            epochOfLayer[layer] = gradual.startEpoch + rank / gradual.layersPerEpoch
        }
        if let last = layers.last, let epoch = epochOfLayer[last], epoch >= epochs {
            let name = last < 0 ? "the embeddings" : "layer \(last)"
            throw .badValue(at: at, keyPath: keyPath,
                            message: "\(name) would start training at epoch \(epoch), but the last epoch is \(epochs - 1) (epochs are 0-based); unfreeze more layers per epoch or train longer")
        }
        return indices.compactMap { i in depth[i].flatMap { epochOfLayer[$0] }.map { (i, $0) } }
    }
}
