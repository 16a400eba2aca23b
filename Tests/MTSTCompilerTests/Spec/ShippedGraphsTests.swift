import Foundation
import Testing
@testable import MTSTCompiler

/// Every spec under Graphs/ must parse. The MiniLM specs read `../Assets/…/config.json`,
/// which is fetched, not committed; they are parsed against a copy of that config written
/// into a temporary tree of the same shape, and against the real file when it is present.
@Suite struct ShippedGraphsTests {
    static let root = repoRoot()

    static var graphFiles: [String] {
        let graphs = "\(root)/Graphs"
        let names = (FileManager.default.enumerator(atPath: graphs)?.allObjects as? [String]) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// Parses `Graphs/<name>` as if it lived in a temp tree with a MiniLM config.json.
    static func parseShipped(_ name: String) throws -> Spec {
        let text = try String(contentsOfFile: "\(root)/Graphs/\(name)", encoding: .utf8)
        let tree = try makeTempDirectory()
        try FileManager.default.createDirectory(atPath: "\(tree)/Assets/all-MiniLM-L6-v2", withIntermediateDirectories: true)
        try miniLMConfigJSON.write(toFile: "\(tree)/Assets/all-MiniLM-L6-v2/config.json", atomically: true, encoding: .utf8)
        return try Spec.parse(yaml: text, path: "\(tree)/Graphs/\(name)")
    }

    @Test func allShippedSpecsAreListed() {
        #expect(Self.graphFiles == [
            "atis-wnut.yaml", "bert-base.yaml", "contrastive.yaml",
            "experiments/frozen-slot-head-both-losses.yaml", "experiments/frozen-slot-head-intent-only.yaml",
            "minilm-embed-int8.yaml", "minilm-embed.yaml", "multitask-crf.yaml", "multitask.yaml",
            "single/atis-intent.yaml", "single/wnut.yaml", "strategies/backbone-frozen.yaml", "strategies/feature-extraction.yaml",
            "strategies/full-finetuning.yaml", "strategies/intent-head-frozen.yaml", "strategies/layered.yaml", "strategies/layerwise-lr.yaml",
            "strategies/slot-head-frozen.yaml", "strategies/two-stage.yaml", "tiny-contrastive.yaml",
            "tiny-distilbert.yaml", "tiny-mpnet.yaml", "tiny.yaml",
        ])
    }

    @Test(arguments: graphFiles)
    func parses(_ name: String) throws {
        let spec = try Self.parseShipped(name)
        let params = ModelDescription.parameters(for: spec, headClasses: ["intent": 26, "slots": 120])
        let settings = try ParamRules.resolve(spec.optimizer, params: params, numLayers: spec.backbone.numLayers,
                                              epochs: spec.training.epochs)
        #expect(settings.count == params.count)
        // Checked by contrastiveSpecs and atisWNUT.
        if !name.hasSuffix("contrastive.yaml") && name != "atis-wnut.yaml" && !name.hasPrefix("minilm-embed") && !name.hasPrefix("single/") {
            #expect(spec.heads.map(\.name) == ["intent", "slots"])
            #expect(spec.data?.train.count == 1 && spec.data?.eval.count == 1)
        }
        if FileManager.default.fileExists(atPath: "\(Self.root)/Assets/all-MiniLM-L6-v2/config.json") {
            _ = try Spec.load(path: "\(Self.root)/Graphs/\(name)")
        }
    }

    /// The embedding-only spec Scripts/bench.py's corpus workload compiles: the model as
    /// sentence-transformers ships it (mean, l2, 256 word pieces), no heads, no data.
    @Test func minilmEmbed() throws {
        let spec = try Self.parseShipped("minilm-embed.yaml")
        #expect(spec.heads.isEmpty && spec.data == nil)
        #expect(spec.tokenizer.maxLength == 256 && spec.compile.maxSeq == 256 && spec.compile.maxBatch == 32)
    }

    /// The int8 embedding spec: minilm-embed.yaml plus a guarded quantization calibrated on the corpus.
    @Test func minilmEmbedInt8() throws {
        let spec = try Self.parseShipped("minilm-embed-int8.yaml")
        #expect(spec.heads.isEmpty && spec.data == nil && spec.compile.maxSeq == 256)
        let q = try #require(spec.compile.quantize)
        #expect(q.minCosine == 0.997 && q.calibrationSize == 512)
        #expect(q.calibration?.value.hasSuffix("Assets/corpus/real-3000.txt") == true)
    }

    @Test func multitask() throws {
        let spec = try Self.parseShipped("multitask.yaml")
        #expect(spec.name == "atis-minilm")
        let b = spec.backbone
        #expect([Int]([b.vocabSize, b.hiddenSize, b.numLayers, b.numHeads, b.intermediateSize, b.maxPositionEmbeddings])
            == [30522, 384, 6, 12, 1536, 512])
        #expect(b.weights?.value.hasSuffix("/Assets/all-MiniLM-L6-v2/model.safetensors") == true)
        #expect(spec.tokenizer.vocab.value.hasSuffix("/Assets/all-MiniLM-L6-v2/vocab.txt"))
        #expect(spec.tokenizer.maxLength == 256 && spec.pooling == .mean && spec.normalize == .l2)
        #expect(spec.heads.map(\.kind) == [.classification, .tagging])
        #expect(spec.heads.allSatisfy { $0.labels == .fromData && $0.lossWeight == 1 })
        #expect(spec.optimizer.lr == 2e-4 && spec.optimizer.weightDecay == 0.01)
        #expect(spec.optimizer.layerwiseDecay == LayerwiseDecay(base: 2e-4, decay: 0.95))
        #expect(spec.optimizer.schedule == ScheduleSpec(warmup: .fraction(0.1), decay: .linear))
        #expect(spec.training == TrainingSpec(epochs: 10, batchSize: 32, gradientAccumulation: 1, clipNorm: 1, seed: 42))
        #expect(spec.data?.train.first?.path.value.hasSuffix("/Assets/atis/train_dev") == true)
        #expect(spec.data?.eval.first?.path.value.hasSuffix("/Assets/atis/test") == true)
        #expect(spec.compile == CompileOptions(maxBatch: 32, maxSeq: 64))
    }

    /// The frozen-head experiment's stage-2 specs start from stage 1's files, freeze the slot
    /// head, and differ from each other only in the slot loss.
    @Test func frozenHeadExperiment() throws {
        let plain = try Self.parseShipped("multitask.yaml")
        for (name, slotLoss) in [("frozen-slot-head-intent-only", Float(0)), ("frozen-slot-head-both-losses", 1)] {
            let spec = try Self.parseShipped("experiments/\(name).yaml")
            #expect(spec.name == name)
            #expect(spec.backbone.weights?.value.hasSuffix("/runs/frozen-head/stage1/model.safetensors") == true)
            #expect(spec.heads.allSatisfy { $0.weights?.value.hasSuffix("/runs/frozen-head/stage1/heads.safetensors") == true })
            #expect(spec.heads.map(\.lossWeight) == [1, slotLoss])
            #expect(spec.paramSettings.filter { $0.value.frozen }.keys.sorted() == ["heads.slots.bias", "heads.slots.weight"])
            #expect(spec.training == plain.training && spec.compile == plain.compile && spec.optimizer.lr == plain.optimizer.lr)
        }
    }

    /// multitask-crf.yaml is multitask.yaml with a CRF slot head and one rule for the CRF's scores.
    @Test func multitaskCRF() throws {
        let plain = try Self.parseShipped("multitask.yaml"), crf = try Self.parseShipped("multitask-crf.yaml")
        #expect(crf.name == "atis-minilm-crf")
        #expect(crf.heads.map(\.crf) == [false, true] && plain.heads.allSatisfy { !$0.crf })
        #expect(crf.heads.map(\.name) == plain.heads.map(\.name) && crf.training == plain.training && crf.compile == plain.compile)
        #expect(crf.optimizer.layerwiseDecay == plain.optimizer.layerwiseDecay && crf.optimizer.schedule == plain.optimizer.schedule)
        let params = ModelDescription.parameters(for: crf, headClasses: ["intent": 26, "slots": 120])
        let settings = try ParamRules.resolve(crf.optimizer, params: params, numLayers: 6, epochs: crf.training.epochs)
        let byPath = Dictionary(uniqueKeysWithValues: zip(params.map(\.path), settings))
        for name in ["transitions", "start", "end"] {
            let s = try #require(byPath["heads.slots.crf.\(name)"])
            #expect(s.lr == 5e-3 && s.weightDecay == 0 && !s.frozen)
        }
        #expect(params.first { $0.path == "heads.slots.crf.transitions" }?.count == 120 * 120)
        #expect(byPath["heads.slots.weight"]?.lr == 2e-4)
    }

    @Test func contrastiveSpecs() throws {
        let minilm = try Self.parseShipped("contrastive.yaml")
        #expect(minilm.heads.map(\.kind) == [.contrastive] && minilm.heads[0].scale == 20 && minilm.heads[0].input == .embedding)
        #expect(minilm.data?.train.map(\.format) == [.pairsJSONL] && minilm.data?.train.first?.pairHead == "paraphrase")
        #expect(minilm.training.batchSize == 32 && minilm.normalize == .l2)
        #expect(!ModelDescription.parameters(for: minilm).contains { $0.isHead })
        let tiny = try Self.parseShipped("tiny-contrastive.yaml")
        #expect(tiny.heads.map(\.kind) == [.classification, .contrastive])
        #expect(tiny.data?.train.map(\.format) == [.atis, .pairsJSONL] && tiny.data?.eval.map(\.format) == [.atis, .pairsCSV])
        #expect(tiny.data?.eval.last?.columns == PairColumns(anchor: "question", positive: "paraphrase"))
    }

    /// Two tasks from two datasets; the single-task baselines share every setting but the heads.
    @Test func atisWNUT() throws {
        let spec = try Self.parseShipped("atis-wnut.yaml")
        #expect(spec.heads.map(\.name) == ["intent", "entities"] && spec.heads.map(\.kind) == [.classification, .tagging])
        let data = try #require(spec.data)
        #expect(data.train.map(\.name) == ["atis", "wnut16"] && data.eval.map(\.name) == ["atis", "wnut16"])
        #expect(data.train.map(\.format) == [.atis, .conll] && data.eval.map(\.format) == [.atis, .conll])
        #expect(data.train.map(\.tagHead) == [nil, "entities"] && data.eval.map(\.tagHead) == [nil, "entities"])
        #expect(data.train.map(\.labelHead) == ["intent", "intent"])
        #expect(data.train[1].split?.value == .holdout(fraction: 0.2, seed: 7, part: .rest))
        #expect(data.eval[1].split?.value == .holdout(fraction: 0.2, seed: 7, part: .holdout))
        #expect(data.train[1].path.value.hasSuffix("/Assets/wnut16/ner.txt") && data.eval[1].path.value == data.train[1].path.value)
        for (name, heads) in [("single/atis-intent.yaml", ["intent"]), ("single/wnut.yaml", ["entities"])] {
            let single = try Self.parseShipped(name)
            #expect(single.heads.map(\.name) == heads)
            #expect(single.training == spec.training && single.compile == spec.compile && single.pooling == spec.pooling)
            #expect(single.optimizer.lr == spec.optimizer.lr && single.optimizer.layerwiseDecay == spec.optimizer.layerwiseDecay
                && single.optimizer.schedule == spec.optimizer.schedule && single.optimizer.weightDecay == spec.optimizer.weightDecay)
            #expect(single.tokenizer.maxLength == spec.tokenizer.maxLength && single.backbone.hiddenSize == spec.backbone.hiddenSize)
        }
        let wnut = try #require(try Self.parseShipped("single/wnut.yaml").data)
        #expect(wnut.train[0].split?.value == data.train[1].split?.value && wnut.eval[0].split?.value == data.eval[1].split?.value)
    }

    @Test func bertBase() throws {
        let spec = try Self.parseShipped("bert-base.yaml")
        let b = spec.backbone
        #expect([Int]([b.vocabSize, b.hiddenSize, b.numLayers, b.numHeads, b.intermediateSize, b.maxPositionEmbeddings, b.typeVocabSize])
            == [30522, 768, 12, 12, 3072, 512, 2])
        #expect(b.weights == nil && b.config == nil && b.layerNormEps == 1e-12)
        let params = ModelDescription.parameters(for: spec)
        // bert-base-uncased without its pooler: 108,891,648 parameters.
        #expect(params.filter { !$0.isHead }.map(\.count).reduce(0, +) == 108_891_648)
    }

    @Test func strategies() throws {
        func settings(_ name: String) throws -> [String: ParamSetting] {
            let spec = try Self.parseShipped("strategies/\(name).yaml")
            let params = ModelDescription.parameters(for: spec, headClasses: ["intent": 26, "slots": 120])
            let resolved = try ParamRules.resolve(spec.optimizer, params: params, numLayers: 6, epochs: spec.training.epochs)
            return Dictionary(uniqueKeysWithValues: zip(params.map(\.path), resolved))
        }
        for name in ["feature-extraction", "backbone-frozen"] {
            let s = try settings(name)
            #expect(s.filter { !$0.value.frozen }.keys.sorted() ==
                ["heads.intent.bias", "heads.intent.weight", "heads.slots.bias", "heads.slots.weight"], "\(name)")
        }
        let slotFrozen = try settings("slot-head-frozen")
        #expect(slotFrozen.filter { $0.value.frozen }.keys.sorted() == ["heads.slots.bias", "heads.slots.weight"])
        let intentFrozen = try settings("intent-head-frozen")
        #expect(intentFrozen.filter { $0.value.frozen }.keys.sorted() == ["heads.intent.bias", "heads.intent.weight"])

        // Full fine-tuning is multitask.yaml's recipe: everything trains from epoch 0, at the same rates.
        let full = try settings("full-finetuning")
        let params = ModelDescription.parameters(for: try Self.parseShipped("multitask.yaml"), headClasses: ["intent": 26, "slots": 120])
        let recipe = try ParamRules.resolve(try Self.parseShipped("multitask.yaml").optimizer, params: params, numLayers: 6, epochs: 10)
        #expect(full.values.allSatisfy { !$0.frozen && $0.trainFromEpoch == 0 })
        #expect(zip(params, recipe).allSatisfy { full[$0.0.path]?.lr == $0.1.lr })

        // Two-stage: heads alone in epoch 0, the whole backbone from epoch 1.
        let twoStage = try settings("two-stage")
        #expect(twoStage.filter { $0.key.hasPrefix("backbone.") }.values.allSatisfy { !$0.frozen && $0.trainFromEpoch == 1 })
        #expect(twoStage.filter { $0.key.hasPrefix("heads.") }.values.allSatisfy { !$0.frozen && $0.trainFromEpoch == 0 })

        let layered = try settings("layered")
        #expect(layered["backbone.embeddings.norm.weight"]?.frozen == true)
        #expect(layered["backbone.layers[1].ffn.output.weight"]?.frozen == true)
        #expect(layered["backbone.layers[3].ffn.output.weight"]?.trainFromEpoch == 1)
        #expect(layered["backbone.layers[2].ffn.output.weight"]?.trainFromEpoch == 2)
        #expect(layered["backbone.layers[4].ffn.output.weight"].map { !$0.frozen && $0.trainFromEpoch == 0 } == true)

        let layerwise = try settings("layerwise-lr")
        #expect(layerwise["heads.intent.weight"]?.lr == 5e-5)
        #expect(abs((layerwise["backbone.layers[5].attention.query.weight"]?.lr ?? 0) - 4.75e-5) < 1e-15)
        #expect(abs((layerwise["backbone.embeddings.word_embeddings.weight"]?.lr ?? 0) - 5e-5 * pow(0.95, 7)) < 1e-15)
    }

    @Test func tinySpecMatchesItsFiles() throws {
        let spec = try Spec.load(path: "\(Self.root)/Graphs/tiny.yaml")
        try spec.checkFilesExist()
        let vocab = try String(contentsOfFile: spec.tokenizer.vocab.value, encoding: .utf8)
        let tokens = vocab.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(tokens.count == spec.backbone.vocabSize)
        #expect(Array(tokens.prefix(5)) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        #expect(Set(tokens).count == tokens.count)
        guard case .list(let intents) = spec.heads[0].labels, case .list(let tags) = spec.heads[1].labels else {
            Issue.record("tiny heads need explicit labels"); return
        }
        #expect(intents.count == 3 && tags == ["O", "B-x", "I-x", "B-y", "I-y"])
        #expect(spec.compile == CompileOptions(maxBatch: 4, maxSeq: 16))
        // Every data line is ATIS `word:TAG … <=> intent` with known labels, short enough for max_seq.
        let data = try #require(spec.data)
        var lines = 0
        for source in data.train + data.eval {
            for line in try String(contentsOfFile: source.path.value, encoding: .utf8).split(separator: "\n") {
                let halves = line.components(separatedBy: " <=> ")
                #expect(halves.count == 2)
                let pairs = halves[0].split(separator: " ").map { $0.split(separator: ":") }
                #expect(pairs.allSatisfy { $0.count == 2 && tags.contains(String($0[1])) })
                #expect(intents.contains(halves[1]))
                // Two slots go to [CLS] and [SEP]; the files avoid words that split into pieces.
                #expect(pairs.count + 2 <= spec.compile.maxSeq)
                lines += 1
            }
        }
        #expect(lines == 22)
    }
}
