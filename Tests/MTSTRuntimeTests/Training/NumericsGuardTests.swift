import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// NaN and infinity are refused where they enter (weights) and stop what they reach (outputs,
/// losses, gradients), each with a line that says where.
@Suite(.serialized) struct NumericsGuardTests {
    static func model() throws -> Model { try Model(plan: try PlanRoundTripTests.tinyPlan()) }

    static func index(_ model: Model, _ path: String) throws -> Int {
        try #require(model.plan.params.firstIndex { $0.path == path || $0.checkpointName == path })
    }

    @Test func nonFiniteWeightsAreRefusedAtLoadWithTheTensorName() throws {
        let model = try Self.model()
        var tensors: [String: (shape: [Int], data: [Float])] = [:]
        for (i, p) in model.plan.params.enumerated() {
            if let name = p.checkpointName { tensors[name] = (p.shape, model.store.values(of: i)) }
        }
        tensors["heads.slots.bias"]?.data[2] = -.infinity
        do {
            try model.store.load(tensors: tensors, file: "w.safetensors", backbone: BERT.self)
            Issue.record("infinity accepted")
        } catch {
            #expect("\(error)" == "w.safetensors: tensor heads.slots.bias holds -inf at element 2; weights must be finite")
        }
        tensors["heads.slots.bias"]?.data[2] = 0
        tensors["embeddings.word_embeddings.weight"]?.data[7] = .nan
        do {
            try model.store.load(tensors: tensors, file: "w.safetensors", backbone: BERT.self)
            Issue.record("NaN accepted")
        } catch {
            #expect("\(error)" == "w.safetensors: tensor embeddings.word_embeddings.weight holds NaN at element 7; weights must be finite")
        }
    }

    @Test func embedAndPredictRefuseNonFiniteOutputsNamingTheInput() throws {
        let model = try Self.model()
        let texts = ["show me flights", "from boston to denver", "flights"]
        #expect(try model.embed(texts).count == 3)
        // One token's embedding row overflows: only the sentences with that token go bad.
        let words = try Self.index(model, "embeddings.word_embeddings.weight")
        let boston = Int(try #require(model.tokenizer.vocabulary.id(of: "boston")))
        model.store.pointer(words)[boston * model.plan.model.hidden] = .infinity
        do {
            _ = try model.embed(texts)
            Issue.record("a non-finite embedding was returned")
        } catch let error as NumericsError {
            #expect(error.description.hasPrefix("input 2 (\"from boston to denver\"): NaN or infinity in its embedding"))
        }
        let encoder = ExampleEncoder(heads: model.plan.model.taskHeads, tokenizer: model.tokenizer, maxLength: 16)
        let examples = texts.map { encoder.encode(Example(words: $0.split(separator: " ").map(String.init), source: SourceLocation(file: "t")), route: (nil, nil)) }
        #expect(throws: NumericsError.self) { try model.predict(examples, texts: texts) }
    }

    @Test func aNonFiniteGradientLeavesTheWeightsAndIsReported() throws {
        let model = try Self.model()
        let before = Array(model.store.values.buffer)
        model.store.grads.pointer[3] = .infinity
        try model.optimizer.step(lrFactor: 1, epoch: 0, update: 1, updatesPerEpoch: 1)
        #expect(model.optimizer.lastGradientNorm == .infinity)
        #expect(Array(model.store.values.buffer) == before)
        #expect(Array(model.store.grads.buffer).allSatisfy { $0 == 0 }, "the gradient was not cleared for the next step")
        model.store.grads.pointer[3] = 0.5
        try model.optimizer.step(lrFactor: 1, epoch: 0, update: 2, updatesPerEpoch: 1)
        #expect(model.optimizer.lastGradientNorm == 0.5)
        #expect(Array(model.store.values.buffer) != before)
    }

    /// Poisons the slots head after update `poll` (the trainer's stop poll serves as the hook).
    static func poisonedRun(_ dir: URL, afterPoll poll: Int, checkNumerics: Bool) throws -> String {
        let trainer = try TrainerResumeTests.trainer(dir)
        trainer.checkNumerics = checkNumerics
        let bias = try index(trainer.model, "heads.slots.bias")
        var polls = 0
        // The hook holds the model, not the trainer that holds the hook (a cycle LeakSanitizer reports).
        let model = trainer.model
        trainer.shouldStop = {
            polls += 1
            if polls == poll { model.store.pointer(bias)[1] = .nan }
            return false
        }
        do {
            try trainer.run(epochs: 3)
            return "finished"
        } catch let error as NumericsError {
            return error.description
        }
    }

    @Test func aNonFiniteLossStopsNamingStepAndHeadAndKeepsTheLastGoodEpoch() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run")
        // Poll 5 follows the first update of epoch 2, so its second step sees the NaN.
        let message = try Self.poisonedRun(run, afterPoll: 5, checkNumerics: false)
        #expect(message.hasPrefix("epoch 2 step 2/4: the loss is NaN; head losses: intent "), "\(message)")
        #expect(message.contains(", slots NaN; rerun with --check-numerics to find the op that produced it;"), "\(message)")
        #expect(message.hasSuffix("the last good state is \(run.path)/epoch-0001 (continue with --resume \(run.path))"), "\(message)")
        #expect(try String(contentsOf: run.appendingPathComponent("latest"), encoding: .utf8) == "epoch-0001\n")
        let rows = try TrainerResumeTests.withoutTimings(run)
        #expect(rows.count == 1)
        // The last good epoch resumes into the uninterrupted run.
        let reference = dir.appendingPathComponent("reference")
        try TrainerResumeTests.trainer(reference).run(epochs: 3)
        try TrainerResumeTests.trainer(run).run(epochs: 3, resume: run.path)
        try TrainerResumeTests.expectSame(reference, run)
    }

    @Test func checkNumericsNamesTheFirstOpThatWentBad() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let message = try Self.poisonedRun(dir.appendingPathComponent("run"), afterPoll: 1, checkNumerics: true)
        #expect(message.hasPrefix("epoch 1 step 2/4: the loss is NaN;"), "\(message)")
        #expect(message.contains("first non-finite output: node heads.slots."), "\(message)")
        #expect(message.hasSuffix("nothing was saved"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("run").path))
    }
}
