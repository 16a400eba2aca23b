import Testing
@testable import MTSTCompiler

@Suite struct ParamRulesTests {
    /// A 6-layer backbone (like MiniLM) with both heads and a pooling LayerNorm.
    static func spec(optimizer: String, epochs: Int = 10) throws -> Spec {
        let yaml = """
        backbone: {vocab_size: 50, hidden_size: 8, num_layers: 6, num_heads: 2, intermediate_size: 16, max_position_embeddings: 32}
        tokenizer: {vocab: v.txt}
        normalize: layernorm
        heads:
          intent: {type: classification, labels: [a, b, c]}
          slots: {type: tagging, labels: [O, B-x]}
        training: {epochs: \(epochs)}
        optimizer:
        \(optimizer)
        """
        return try parseSpec(yaml)
    }

    static func resolve(_ spec: Spec) throws -> [String: ParamSetting] {
        let params = ModelDescription.parameters(for: spec)
        let settings = try ParamRules.resolve(spec.optimizer, params: params, numLayers: spec.backbone.numLayers,
                                              epochs: spec.training.epochs)
        #expect(settings.map(\.path) == params.map(\.path))
        return Dictionary(uniqueKeysWithValues: settings.map { ($0.path, $0) })
    }

    @Test func canonicalParameters() throws {
        let spec = try Self.spec(optimizer: "  lr: 1e-3")
        let params = ModelDescription.parameters(for: spec)
        #expect(params.count == 5 + 6 * 16 + 2 + 4)
        #expect(params.first?.path == "backbone.embeddings.word_embeddings.weight")
        #expect(params.first?.count == 50 * 8 && params.first?.isEmbedding == true)
        let query = try #require(params.first { $0.path == "backbone.layers[5].attention.query.weight" })
        #expect(query.layer == 5 && query.count == 64 && !query.isEmbedding && !query.isHead)
        #expect(params.suffix(6).map(\.path) == ["pooling.norm.weight", "pooling.norm.bias", "heads.intent.weight",
                                                 "heads.intent.bias", "heads.slots.weight", "heads.slots.bias"])
        #expect(params.suffix(4).map(\.count) == [24, 3, 16, 2])
        #expect(params.suffix(4).allSatisfy { $0.isHead })
        let fromData = ModelDescription.parameters(for: spec, headClasses: ["slots": 7])
        #expect(fromData.last?.count == 7)
    }

    @Test func defaultsAndNoDecay() throws {
        let s = try Self.resolve(Self.spec(optimizer: "  lr: 1e-3\n  weight_decay: 0.05"))
        #expect(s.values.allSatisfy { $0.lr == 1e-3 && !$0.frozen && $0.trainFromEpoch == 0 })
        #expect(s["backbone.layers[0].attention.query.weight"]?.weightDecay == 0.05)
        #expect(s["backbone.layers[0].attention.query.bias"]?.weightDecay == 0)
        #expect(s["backbone.layers[0].ffn.norm.weight"]?.weightDecay == 0)
        #expect(s["backbone.embeddings.norm.weight"]?.weightDecay == 0)
        #expect(s["backbone.embeddings.word_embeddings.weight"]?.weightDecay == 0.05)
        #expect(s["pooling.norm.weight"]?.weightDecay == 0)
        #expect(s["heads.intent.weight"]?.weightDecay == 0.05)
        #expect(s["backbone.embeddings.word_embeddings.weight"]?.group == "embeddings")
        #expect(s["backbone.layers[3].ffn.output.weight"]?.group == "layers")
        #expect(s["pooling.norm.bias"]?.group == "pooling")
        #expect(s["heads.slots.bias"]?.group == "heads.slots")
    }

    @Test func layerwiseDecay() throws {
        let s = try Self.resolve(Self.spec(optimizer: "  lr: 2e-4\n  layerwise_decay: {base: 2e-4, decay: 0.95}"))
        func lr(_ path: String) -> Double { s[path]?.lr ?? -1 }
        func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-15 }
        #expect(near(lr("backbone.layers[5].attention.query.weight"), 2e-4 * 0.95))
        #expect(near(lr("backbone.layers[4].ffn.output.bias"), 2e-4 * 0.95 * 0.95))
        #expect(near(lr("backbone.layers[0].ffn.norm.weight"), 2e-4 * 0.735091890625))  // 0.95^6
        #expect(near(lr("backbone.embeddings.position_embeddings.weight"), 2e-4 * 0.69833729609375))  // 0.95^7
        #expect(lr("heads.intent.weight") == 2e-4 && lr("pooling.norm.weight") == 2e-4)
        #expect(s["backbone.layers[2].ffn.norm.weight"]?.group == "layers[2]")
        // base defaults to optimizer.lr
        let d = try Self.resolve(Self.spec(optimizer: "  lr: 1e-3\n  layerwise_decay: {decay: 0.5}"))
        #expect(d["backbone.layers[5].ffn.norm.weight"]?.lr == 5e-4)
        #expect(d["backbone.embeddings.norm.bias"]?.lr == 1e-3 / 128)
        #expect(d["heads.slots.weight"]?.lr == 1e-3)
    }

    @Test func frozenAndLaterOverrides() throws {
        let s = try Self.resolve(Self.spec(optimizer: """
          lr: 1e-3
          rules:
            - params: backbone.*
              frozen: true
            - params: backbone.layers[5].*
              frozen: false
            - params: backbone.layers[4].*
              frozen_until_epoch: 3
        """))
        #expect(s["backbone.embeddings.norm.bias"]?.frozen == true)
        #expect(s["backbone.layers[0].attention.key.weight"]?.frozen == true)
        #expect(s["backbone.layers[5].attention.key.weight"]?.frozen == false)
        #expect(s["backbone.layers[5].attention.key.weight"]?.trainFromEpoch == 0)
        let four = try #require(s["backbone.layers[4].attention.key.weight"])
        #expect(!four.frozen && four.trainFromEpoch == 3)
        #expect(!four.trains(inEpoch: 2) && four.trains(inEpoch: 3))
        #expect(s["heads.intent.weight"]?.frozen == false)
        #expect(four.group == "backbone frozen + layers[4] from epoch 3")
        #expect(s["backbone.layers[5].ffn.norm.bias"]?.group == "backbone frozen + layers[5] trainable")
    }

    @Test func gradualUnfreezing() throws {
        let s = try Self.resolve(Self.spec(optimizer: """
          rules:
            - params: backbone.embeddings.*
              frozen: true
            - params: backbone.layers[0-1].*
              frozen: true
            - params: backbone.layers[2-3].*
              unfreeze: gradual
        """))
        #expect(s["backbone.layers[3].attention.query.weight"]?.trainFromEpoch == 1)
        #expect(s["backbone.layers[3].ffn.norm.bias"]?.trainFromEpoch == 1)
        #expect(s["backbone.layers[2].attention.query.weight"]?.trainFromEpoch == 2)
        #expect(s["backbone.layers[2].attention.query.weight"]?.frozen == false)
        #expect(s["backbone.layers[1].attention.query.weight"]?.frozen == true)
        #expect(s["backbone.layers[4].attention.query.weight"]?.trainFromEpoch == 0)
        #expect(s["backbone.layers[2].ffn.output.bias"]?.group == "layers[2-3] gradual")

        let pairs = try Self.resolve(Self.spec(optimizer: """
          rules:
            - params: backbone.*
              unfreeze: {start_epoch: 0, layers_per_epoch: 2}
        """, epochs: 4))
        let epochs = (0..<6).map { pairs["backbone.layers[\($0)].ffn.output.weight"]?.trainFromEpoch }
        #expect(epochs == [2, 2, 1, 1, 0, 0])
        #expect(pairs["backbone.embeddings.word_embeddings.weight"]?.trainFromEpoch == 3)
    }

    @Test func lrAndWeightDecayRules() throws {
        let s = try Self.resolve(Self.spec(optimizer: """
          lr: 1e-3
          layerwise_decay: {base: 1e-3, decay: 0.5}
          rules:
            - params: heads.intent.*
              lr: 5e-5
            - params: heads.slots.*
              lr_scale: 2.0
              weight_decay: 0.0
            - params: ["heads.*", "backbone.layers[5].*"]
              lr_scale: 0.5
            - params: "*.bias"
              weight_decay: 0.3
        """))
        #expect(s["heads.intent.weight"]?.lr == 2.5e-5)
        #expect(s["heads.slots.weight"]?.lr == 1e-3)
        #expect(s["heads.slots.weight"]?.weightDecay == 0)
        #expect(s["heads.slots.bias"]?.weightDecay == 0.3)
        #expect(s["backbone.layers[5].ffn.norm.weight"]?.lr == 2.5e-4)
        #expect(s["backbone.layers[5].ffn.norm.bias"]?.weightDecay == 0.3)
        #expect(s["backbone.layers[4].ffn.norm.weight"]?.lr == 2.5e-4)
        #expect(s["heads.slots.weight"]?.group == "heads.slots lr×2.0 wd 0.0 + heads,layers[5] lr×0.5")
    }

    @Test func unmatchedPatternAgainstGivenParams() throws {
        let spec = try Self.spec(optimizer: "  rules:\n    - params: heads.slots.*\n      frozen: true")
        let params = ModelDescription.parameters(for: spec).filter { !$0.path.hasPrefix("heads.slots") }
        #expect(throws: SpecError.badPattern(at: SourceLocation(file: "t.yaml", line: 10, column: 15),
                                             keyPath: "optimizer.rules[0].params", pattern: "heads.slots.*",
                                             message: "matches no parameter (backbone has layers[0-5]; heads: intent; pooling.norm)")) {
            try ParamRules.resolve(spec.optimizer, params: params, numLayers: 6, epochs: 10)
        }
    }

    @Test func summaryGroups() throws {
        let spec = try Self.spec(optimizer: """
          lr: 1e-3
          rules:
            - params: backbone.embeddings.*
              frozen: true
            - params: backbone.layers[0-1].*
              unfreeze: gradual
        """)
        let params = ModelDescription.parameters(for: spec)
        let settings = try ParamRules.resolve(spec.optimizer, params: params, numLayers: 6, epochs: 10)
        let rows = ParamRules.summary(settings, params)
        #expect(rows.map(\.group) == ["embeddings frozen", "layers[0-1] gradual", "layers[0-1] gradual", "layers", "pooling",
                                      "heads.intent", "heads.slots"])
        #expect(rows.map(\.trainFromEpoch) == [0, 2, 1, 0, 0, 0, 0])
        #expect(rows.map(\.frozen) == [true, false, false, false, false, false, false])
        #expect(rows.map(\.paramCount) == [5, 16, 16, 64, 2, 2, 2])
        #expect(rows[0].elementCount == 50 * 8 + 32 * 8 + 2 * 8 + 8 + 8)
        #expect(rows[3].weightDecay == 0...0.01)
        #expect(rows[3].lr == 1e-3...1e-3)
        #expect(rows.map(\.elementCount).reduce(0, +) == params.map(\.count).reduce(0, +))
    }

    @Test func summaryTable() throws {
        let spec = try Self.spec(optimizer: """
          lr: 1e-3
          rules:
            - params: backbone.embeddings.*
              frozen: true
            - params: backbone.layers[4-5].*
              unfreeze: gradual
        """)
        let params = ModelDescription.parameters(for: spec)
        let rows = ParamRules.summary(try ParamRules.resolve(spec.optimizer, params: params, numLayers: 6, epochs: 10), params)
        #expect(GroupSummary.table(rows) == [
            "group                params  elements  lr     weight decay  trains",
            "embeddings frozen    5       688       0.001  0–0.01        never (frozen)",
            "layers               64      2400      0.001  0–0.01        from start",
            "layers[4-5] gradual  16      600       0.001  0–0.01        from epoch 2",
            "layers[4-5] gradual  16      600       0.001  0–0.01        from epoch 1",
            "pooling              2       16        0.001  0             from start",
            "heads.intent         2       27        0.001  0–0.01        from start",
            "heads.slots          2       18        0.001  0–0.01        from start",
        ])
    }
}
