import Foundation
import Testing
@testable import MTSTCompiler

@Suite struct SpecParseTests {
    @Test func valuesAndDefaults() throws {
        let spec = try parseSpec(baseYAML, path: "Graphs/sub/t.yaml")
        #expect(spec.path == "Graphs/sub/t.yaml")
        #expect(spec.name == "t")
        let b = spec.backbone
        #expect([Int]([b.vocabSize, b.hiddenSize, b.numLayers, b.numHeads, b.intermediateSize, b.maxPositionEmbeddings, b.typeVocabSize])
            == [100, 16, 2, 2, 32, 64, 2])
        #expect(b.headDim == 8)
        #expect(b.layerNormEps == 1e-12 && b.hiddenDropout == 0.1 && b.attentionDropout == 0.1)
        #expect(b.activation == .gelu && b.weights == nil && b.config == nil && b.initSeed == 0 && b.initStd == 0.02)
        #expect(spec.tokenizer.vocab.value == "Graphs/sub/vocab.txt")
        #expect(spec.tokenizer.vocab.location == SourceLocation(file: "Graphs/sub/t.yaml", line: 10, column: 10))
        #expect(spec.tokenizer.vocab.keyPath == "tokenizer.vocab")
        #expect(spec.tokenizer.lowercase && spec.tokenizer.maxLength == 32)
        #expect(spec.pooling == .mean && spec.normalize == NormalizeKind.none)
        #expect(spec.heads.map(\.name) == ["intent", "slots"])
        #expect(spec.heads.map(\.kind) == [.classification, .tagging])
        #expect(spec.heads.map(\.input) == [.embedding, .tokens])
        #expect(spec.heads[0].labels == .list(["a", "b", "c"]) && spec.heads[1].labels == .fromData)
        #expect(spec.heads.map(\.dropout) == [0.1, 0.1] && spec.heads.map(\.lossWeight) == [1, 1])
        #expect(spec.heads[1].location == SourceLocation(file: "Graphs/sub/t.yaml", line: 16, column: 3))
        let o = spec.optimizer
        #expect(o.method == .adamw(beta1: 0.9, beta2: 0.999, eps: 1e-8) && o.lr == 5e-5 && o.weightDecay == 0.01)
        #expect(o.noDecay.map(\.value.text) == ["*.bias", "*norm.*"])
        #expect(o.layerwiseDecay == nil && o.rules.isEmpty && o.schedule == .default)
        #expect(spec.training == TrainingSpec(epochs: 3, batchSize: 4, gradientAccumulation: 1, clipNorm: 1.0, seed: 42))
        #expect(spec.compile == CompileOptions(maxBatch: 4, maxSeq: 16))
        #expect(spec.data == nil)
    }

    @Test func sectionDefaults() throws {
        let yaml = """
        backbone: {vocab_size: 10, hidden_size: 8, num_layers: 1, num_heads: 2, intermediate_size: 16, max_position_embeddings: 20}
        tokenizer: {vocab: /abs/v.txt}
        """
        let spec = try parseSpec(yaml, path: "dir/my-model.yaml")
        #expect(spec.name == "my-model")
        #expect(spec.tokenizer.vocab.value == "/abs/v.txt")
        #expect(spec.tokenizer.maxLength == 20)
        #expect(spec.heads.isEmpty)
        #expect(spec.training.batchSize == 32 && spec.training.epochs == 3)
        #expect(spec.compile == CompileOptions(maxBatch: 32, maxSeq: 20))
        #expect(spec.optimizer.location == SourceLocation(file: "dir/my-model.yaml", line: 1, column: 1))
        let small = try parseSpec(yaml + "\ncompile: {max_batch: 8}\n", path: "m.yaml")
        #expect(small.training.batchSize == 8 && small.compile.maxBatch == 8)
    }

    @Test func locationsByKeyPath() throws {
        let spec = try parseSpec(edited("    input: tokens", "    input: tokens\n    dropout: 0.2"))
        #expect(spec.location(of: "backbone.hidden_size") == SourceLocation(file: "t.yaml", line: 4, column: 16))
        #expect(spec.location(of: "heads.slots.input") == SourceLocation(file: "t.yaml", line: 18, column: 12))
        #expect(spec.location(of: "heads.slots.dropout") == SourceLocation(file: "t.yaml", line: 19, column: 14))
        #expect(spec.location(of: "heads.intent.labels[1]") == SourceLocation(file: "t.yaml", line: 15, column: 17))
        // Unknown or defaulted paths fall back to the nearest given ancestor, then the file.
        #expect(spec.location(of: "heads.slots.labels") == SourceLocation(file: "t.yaml", line: 16, column: 3))
        #expect(spec.location(of: "backbone") == SourceLocation(file: "t.yaml", line: 2, column: 1))
        #expect(spec.location(of: "pooling") == SourceLocation(file: "t.yaml"))
        #expect(spec.heads[1].dropout == 0.2)
    }

    @Test func fullOptimizerAndData() throws {
        let yaml = baseYAML + """
        losses:
          slots: 0.5
        optimizer:
          lr: 2e-4
          betas: [0.8, 0.99]
          eps: 1e-6
          weight_decay: 0.1
          no_decay: []
          layerwise_decay: {decay: 0.9}
          schedule: {warmup_steps: 100, decay: cosine}
          rules:
            - params: [backbone.embeddings.*, "backbone.layers[0].*"]
              frozen: true
            - params: backbone.layers[1].*
              unfreeze: {start_epoch: 2, layers_per_epoch: 1}
            - params: heads.intent.*
              lr_scale: 2
              weight_decay: 0
        data:
          train:
            - {format: atis, path: ../data/a.txt, limit: 100}
            - {format: conll, path: b.conll}
          eval: {format: jsonl, path: c.jsonl, label_head: intent, tag_head: slots}

        """
        let spec = try parseSpec(yaml, path: "g/t.yaml")
        #expect(spec.heads.map(\.lossWeight) == [1, 0.5])
        let o = spec.optimizer
        #expect(o.lr == 2e-4 && o.method == .adamw(beta1: 0.8, beta2: 0.99, eps: 1e-6) && o.weightDecay == 0.1)
        #expect(o.noDecay.isEmpty)
        #expect(o.layerwiseDecay == LayerwiseDecay(base: 2e-4, decay: 0.9))
        #expect(o.schedule == ScheduleSpec(warmup: .steps(100), decay: .cosine))
        #expect(o.rules.count == 3)
        #expect(o.rules[0].patterns.map(\.value.text) == ["backbone.embeddings.*", "backbone.layers[0].*"])
        #expect(o.rules[0].patterns[1].keyPath == "optimizer.rules[0].params[1]")
        #expect(o.rules[0].frozen == true && o.rules[0].keyPath == "optimizer.rules[0]")
        #expect(o.rules[1].unfreeze == GradualUnfreeze(startEpoch: 2, layersPerEpoch: 1))
        #expect(o.rules[2].lrScale == 2 && o.rules[2].weightDecay == 0 && o.rules[2].lr == nil)
        #expect(o.rules.map(\.label) == ["embeddings,layers[0] frozen", "layers[1] gradual", "heads.intent lr×2.0 wd 0.0"])
        let data = try #require(spec.data)
        #expect(data.train.map(\.format) == [.atis, .conll])
        #expect(data.train.map(\.path.value) == ["data/a.txt", "g/b.conll"])
        #expect(data.train.map(\.limit) == [100, nil])
        #expect(data.train.map(\.labelHead) == ["intent", "intent"] && data.train.map(\.tagHead) == ["slots", "slots"])
        #expect(data.eval.map(\.format) == [.jsonl])
        #expect(data.train[1].keyPath == "data.train[1]")
    }

    @Test func checkFilesExist() throws {
        let dir = try makeTempDirectory()
        try "[PAD]\n".write(toFile: "\(dir)/vocab.txt", atomically: true, encoding: .utf8)
        let spec = try parseSpec(baseYAML + "data:\n  train: {format: atis, path: missing.txt}\n", path: "\(dir)/t.yaml")
        try spec.checkFilesExist(includeData: false)
        let error = #expect(throws: SpecError.self) { try spec.checkFilesExist() }
        #expect(error?.description == "\(dir)/t.yaml:26:31: data.train.path: \(dir)/missing.txt does not exist")
    }

    /// `heads.<name>.weights` resolves against the spec like `backbone.weights`, keeps its
    /// position, is one of the files compile needs, and a contrastive head has none.
    @Test func headWeights() throws {
        let dir = try makeTempDirectory()
        try "[PAD]\n".write(toFile: "\(dir)/vocab.txt", atomically: true, encoding: .utf8)
        let yaml = edited("    labels: [a, b, c]\n", "    labels: [a, b, c]\n    weights: ../run/heads.safetensors\n")
        let spec = try parseSpec(yaml, path: "\(dir)/g/t.yaml")
        let weights = try #require(spec.head(named: "intent")?.weights)
        #expect(weights.value == "\(dir)/run/heads.safetensors" && weights.keyPath == "heads.intent.weights")
        #expect(weights.location.line == 16 && weights.location.column == 14)
        #expect(spec.head(named: "slots")?.weights == nil)
        try FileManager.default.createDirectory(atPath: "\(dir)/g", withIntermediateDirectories: true)
        try "[PAD]\n".write(toFile: "\(dir)/g/vocab.txt", atomically: true, encoding: .utf8)
        let error = #expect(throws: SpecError.self) { try spec.checkFilesExist(includeData: false) }
        #expect(error?.description == "\(dir)/g/t.yaml:16:14: heads.intent.weights: \(dir)/run/heads.safetensors does not exist")
        #expect(specError(edited("    input: tokens\n", "    input: tokens\n    weights: [a]\n")).hasPrefix("t.yaml:19:14: heads.slots.weights: expected a string"))
    }

    @Test func contrastiveHeadsHaveNoWeights() throws {
        let yaml = edited("  slots:\n    type: tagging\n    input: tokens\n", "  pairs:\n    type: contrastive\n    weights: h.safetensors\n")
        #expect(specError(yaml) == "t.yaml:18:14: heads.pairs.weights: a contrastive head has no parameters to load: it is a loss on the sentence embedding")
    }

    @Test func loadReadsFiles() throws {
        let dir = try makeTempDirectory()
        try baseYAML.write(toFile: "\(dir)/t.yaml", atomically: true, encoding: .utf8)
        let spec = try Spec.load(path: "\(dir)/t.yaml")
        #expect(spec.tokenizer.vocab.value == "\(dir)/vocab.txt")
    }

    @Test func pathResolution() {
        #expect(SpecPaths.resolve("../Assets/x.json", relativeTo: "Graphs/multitask.yaml") == "Assets/x.json")
        #expect(SpecPaths.resolve("../../Assets/x", relativeTo: "Graphs/strategies/a.yaml") == "Assets/x")
        #expect(SpecPaths.resolve("v.txt", relativeTo: "t.yaml") == "v.txt")
        #expect(SpecPaths.resolve("../v.txt", relativeTo: "t.yaml") == "../v.txt")
        #expect(SpecPaths.resolve("./a/./b", relativeTo: "/x/y/t.yaml") == "/x/y/a/b")
        #expect(SpecPaths.resolve("/abs/../c", relativeTo: "/x/t.yaml") == "/c")
    }

    @Test func schedule() {
        let linear = ScheduleSpec(warmup: .fraction(0.1), decay: .linear)
        #expect(linear.warmupSteps(totalSteps: 100) == 10)
        #expect(linear.factor(step: 0, totalSteps: 100) == 0)
        #expect(linear.factor(step: 5, totalSteps: 100) == 0.5)
        #expect(linear.factor(step: 10, totalSteps: 100) == 1)
        #expect(abs(linear.factor(step: 55, totalSteps: 100) - 0.5) < 1e-12)
        #expect(abs(linear.factor(step: 99, totalSteps: 100) - 1.0 / 90) < 1e-12)
        let cosine = ScheduleSpec(warmup: .steps(0), decay: .cosine)
        #expect(cosine.factor(step: 0, totalSteps: 10) == 1)
        #expect(abs(cosine.factor(step: 5, totalSteps: 10) - 0.5) < 1e-12)
        #expect(ScheduleSpec(warmup: .steps(0), decay: .constant).factor(step: 7, totalSteps: 10) == 1)
    }

    @Test func sgdWithMomentum() throws {
        let spec = try parseSpec(baseYAML + "optimizer: {type: sgd, momentum: 0.9, lr: 0.1}\n")
        #expect(spec.optimizer.method == .sgd(momentum: 0.9) && spec.optimizer.lr == 0.1)
        #expect(spec.optimizer.weightDecay == 0, "SGD's weight decay defaults to 0, as torch's")
        #expect(spec.optimizer.method.stateNames == ["velocity"])
        #expect(try parseSpec(baseYAML + "optimizer: {type: sgd}\n").optimizer.method.stateNames.isEmpty)
        #expect(spec.paramSettings.values.allSatisfy { $0.lr == 0.1 })
    }
}
