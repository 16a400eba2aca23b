import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// `mtstc predict` without the CLI: sentences in, words and per-head predictions out.
struct PredictorTests {
    static func tinyModel() throws -> Model {
        try Model(plan: try CompileDriver.compile(specPath: InitSeedTests.tinyPath))
    }

    @Test func predictsEveryHeadPerSentence() throws {
        let model = try Self.tinyModel()
        let predictor = Predictor(model: model)
        // Inference takes 32 tokens: the third sentence's last words are truncated away and tagged "O".
        let long = (0..<40).map { _ in "flights" }.joined(separator: " ")
        let sentences = ["flights from boston to denver", "  show\tme   fares ", long, ""]
        let result = try predictor.predict(sentences)
        #expect(result.map(\.words) == [["flights", "from", "boston", "to", "denver"], ["show", "me", "fares"],
                                        Array(repeating: "flights", count: 40), []])
        let intent = try #require(model.plan.model.taskHeads.first { $0.name == "intent" })
        let slots = try #require(model.plan.model.taskHeads.first { $0.name == "slots" })
        for s in result {
            #expect(intent.labels.contains(try #require(s.prediction.labels["intent"])))
            let tags = try #require(s.prediction.tags["slots"])
            #expect(tags.count == s.words.count)
            #expect(tags.allSatisfy(slots.labels.contains))
        }
        // [CLS] + 30 word pieces + [SEP]: words past the 30th have no piece and get "O".
        let truncated = try #require(result[2].prediction.tags["slots"])
        #expect(truncated[30...].allSatisfy { $0 == "O" })
        #expect(predictor.model.plan.maxTokens(for: predictor.model.plan.inference) == 32)
    }

    @Test func aSentencePredictsTheSameAloneAsInABatch() throws {
        let predictor = Predictor(model: try Self.tinyModel())
        let sentences = ["flights from boston to denver", "show me fares", "which airline", "from denver to boston please",
                         "boston", "fares from denver"]
        let together = try predictor.predict(sentences)
        for (i, s) in sentences.enumerated() {
            let alone = try #require(try predictor.predict([s]).first)
            #expect(alone.prediction.labels == together[i].prediction.labels, "\(s)")
            #expect(alone.prediction.tags == together[i].prediction.tags, "\(s)")
        }
    }

    /// Weights come from the checkpoint: a head bias saved large decides every sentence's intent.
    @Test func loadsTheCheckpointItIsGiven() throws {
        let (plan, planPath) = try BenchmarkTests.tinyPlanFile()
        let checkpoint = planPath + ".safetensors"
        defer { for p in [planPath, checkpoint] { try? FileManager.default.removeItem(atPath: p) } }
        let model = try Model(plan: plan)
        let bias = try #require(plan.params.firstIndex { $0.path == "heads.intent.bias" })
        let intent = try #require(plan.model.taskHeads.first { $0.name == "intent" })
        for (target, label) in intent.labels.enumerated() {
            for c in intent.labels.indices { model.store.pointer(bias)[c] = c == target ? 100 : 0 }
            try Checkpoint.save(model, to: checkpoint)
            let predictor = try Predictor(planPath: planPath, checkpoint: checkpoint)
            let result = try predictor.predict(["flights from boston", "show me fares to denver"])
            #expect(result.map { $0.prediction.labels["intent"] } == [label, label])
        }
    }

    @Test func checkpointWithOtherLabelsIsRefusedNamingIt() throws {
        let (plan, planPath) = try BenchmarkTests.tinyPlanFile()
        let checkpoint = planPath + ".safetensors"
        defer { for p in [planPath, checkpoint] { try? FileManager.default.removeItem(atPath: p) } }
        var other = plan
        other.model.taskHeads[0].labels.append("atis_extra")
        try Checkpoint.save(try Model(plan: other), to: checkpoint)
        let model = try Model(plan: plan)
        let error = #expect(throws: RuntimeError.self) { try Checkpoint.load(checkpoint, into: model) }
        #expect(error?.description == "\(checkpoint): its label vocabularies differ from the plan's; compile the spec that trained it")
    }

    @Test func primaryHeadsNameTheFirstOfEachKind() {
        let heads = [TaskHead(name: "domain", kind: .classification, dropout: 0, labels: ["a"], lossWeight: 1),
                     TaskHead(name: "ner", kind: .tagging, dropout: 0, labels: ["O"], lossWeight: 1),
                     TaskHead(name: "sentiment", kind: .classification, dropout: 0, labels: ["b"], lossWeight: 1),
                     TaskHead(name: "pos", kind: .tagging, dropout: 0, labels: ["O"], lossWeight: 1)]
        let primary = PrimaryHeads(heads)
        #expect(primary.label == "domain" && primary.tags == "ner")
        #expect(heads.map(primary.key(for:)) == ["intent", "tags", "sentiment", "pos"])
        // The spec resolves a source's default heads; the plan's nil means no head.
        #expect(TrainingData.routing(labelHead: nil, tagHead: "pos", heads: heads) == (nil, "pos"))
        #expect(TrainingData.routing(labelHead: "domain", tagHead: "gone", heads: heads) == ("domain", nil))
        #expect(PrimaryHeads([]).label == nil && PrimaryHeads([]).tags == nil)
    }

    @Test func tokenizerAndLengthComeFromThePlan() throws {
        let model = try Self.tinyModel()
        let plan = model.plan
        #expect(plan.maxTokens(for: plan.inference) == min(plan.tokenizer.maxLength, plan.inference.graph.maxSeq))
        // Inference is planned for the tokenizer's 32 tokens, training for compile.max_seq's 16.
        #expect(plan.maxTokens(for: plan.inference) == 32)
        #expect(plan.maxTokens(for: try #require(plan.training)) == 16)
        let tokenizer = try BertTokenizer(plan: plan)
        let long = (0..<40).map { _ in "boston" }.joined(separator: " ")
        #expect(tokenizer.encode(long, maxLength: plan.maxTokens(for: plan.inference)) == model.encode(long))
        #expect(model.encode(long).count == 32)
    }

    @Test func inputTextLinesKeepBlankLinesAndDropLineEndings() throws {
        let lines = try TextLines(bytes: Data("\u{FEFF}one\r\n\r\ntwo\nthree\n".utf8), file: "in.txt").lines
        #expect(lines == ["one", "", "two", "three"])
        let error = #expect(throws: DataError.self) { try TextLines(bytes: Data([0x61, 0x0A, 0xFF, 0x0A]), file: "in.txt") }
        #expect(error?.description == "in.txt:2:1: not valid UTF-8")
    }
}
