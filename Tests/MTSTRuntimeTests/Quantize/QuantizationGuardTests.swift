import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// The accuracy guard run by `compile` with quantization, and the int8 program at run time.
@Suite struct QuantizationGuardTests {
    static let tinyPath = "\(EmbeddingParityTests.root.path)/Graphs/tiny.yaml"

    static func plan(_ settings: QuantizeSpec = QuantizeSpec(kind: .int8), calibration: String? = nil) throws -> Plan {
        var spec = try Spec.load(path: tinyPath)
        spec.compile.quantize = settings
        var options = CompileDriver.Options()
        options.calibration = calibration
        return try CompileDriver.compile(spec: spec, options: options)
    }

    @Test func impossibleThresholdKeepsLayersInFP32AndNamesThem() throws {
        var settings = QuantizeSpec(kind: .int8)
        settings.minCosine = 1.0
        let plan = try Self.plan(settings)
        let int8 = try #require(plan.int8)
        let r = int8.report
        #expect(r.initial.worst < 1, "tiny int8 gave fp32's embeddings exactly")
        #expect(r.final.worst >= 1)
        #expect(!r.fallbacks.isEmpty)
        let kept = Set(r.fallbacks.map(\.layer))
        #expect(kept.count == r.fallbacks.count)
        #expect(kept.isDisjoint(with: int8.layers.map(\.layer)), "a layer reported as fp32 is int8 in the program")
        #expect(kept.count + int8.layers.count == 8)
        // Given up most sensitive first, each with its reason.
        #expect(r.fallbacks.map(\.aloneWorstCosine) == r.fallbacks.map(\.aloneWorstCosine).sorted())
        for f in r.fallbacks { #expect(f.reason.contains("quantized alone") && f.reason.contains("< 1.0"), "\(f.reason)") }
        // What the plan keeps in fp32 runs as fp32: the kept layers are float GEMMs again.
        let g = int8.program.graph
        for layer in kept {
            #expect(g.nodes.contains { ($0.kind == .linear || $0.kind == .matmul || $0.kind == .biasGelu) && $0.name.hasPrefix(layer) }, "\(layer)")
        }
    }

    @Test func aThresholdThatHoldsKeepsEveryLayerInt8AndComparesTheHeads() throws {
        var settings = QuantizeSpec(kind: .int8)
        settings.minCosine = 0.9
        let plan = try Self.plan(settings)
        let r = try #require(plan.int8).report
        #expect(r.fallbacks.isEmpty)
        #expect(plan.int8?.layers.count == 8)
        #expect(r.initial == r.final)
        #expect(r.final.worst >= 0.9 && r.final.worst <= r.final.mean && r.final.mean <= 1)
        #expect(r.calibration.hasPrefix("data.eval: ") && r.calibration.hasSuffix("tiny-data/test.txt"))
        #expect(r.sentences == 6)
        #expect(r.heads.map { "\($0.head) \($0.metric)" } == ["intent accuracy", "slots slot_f1"])
    }

    @Test func calibrationFileAndSize() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("calib-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("flights from boston\n\n  \nshow me fares\nwhich airline\n".utf8).write(to: file)
        var settings = QuantizeSpec(kind: .int8)
        settings.calibrationSize = 2
        let r = try #require(try Self.plan(settings, calibration: file.path).int8).report
        #expect(r.calibration == file.path)
        #expect(r.sentences == 2)
        #expect(r.heads.isEmpty, "unlabelled sentences give no head metrics")
    }

    @Test func embedAndPredictRunTheInt8ProgramUnlessToldFP32() throws {
        let plan = try Self.plan()
        let model = try Model(plan: plan)
        #expect(model.precision == .int8)
        let texts = ["flights from boston to denver", "show me fares", "which airline"]
        let int8 = try model.embed(texts)
        try model.use(.fp32)
        let fp32 = try model.embed(texts)
        var plain = plan
        plain.int8 = nil
        #expect(try Model(plan: plain).embed(texts) == fp32)
        #expect(int8 != fp32)
        #expect(QuantizationGuard.compare(fp32, int8).worst > 0.99)
        #expect(throws: RuntimeError.self) { try Model(plan: plain).use(.int8) }
        // The trainer evaluates in fp32.
        let trainer = try Trainer(model: try Model(plan: plan), outDir: FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path)
        #expect(trainer.model.precision == .fp32)
    }

    @Test func cosineOfIdenticalAndOppositeVectors() {
        let a: [[Float]] = [[1, 2, 3], [0.5, -1, 2]]
        #expect(QuantizationGuard.compare(a, a) == CosineStats(worst: 1, mean: 1, worstSentence: 0))
        let s = QuantizationGuard.compare(a, [[1, 2, 3], [-0.5, 1, -2]])
        #expect(abs(s.worst + 1) < 1e-12 && s.worstSentence == 1 && abs(s.mean) < 1e-12)
    }

    /// all-MiniLM-L6-v2 with every one of its 24 linear layers in int8, against fp32 on the
    /// parity sentences. Measured: worst cosine 0.99348, on the 5-character sentence (3 word
    /// pieces): below the 0.995, which is what the guard's per-layer fallback is for;
    /// this checks the unguarded program stays within 0.99. Release builds only: the scalar
    /// reference int8 GEMM takes minutes in a debug build on the 1,823-character sentence.
    @Test(.enabled(if: EmbeddingParityTests.assetsPresent && !_isDebugAssertConfiguration(), "needs Assets/ and a release build"))
    func miniLMInt8IsCloseToFP32OnTheParitySentences() throws {
        let url = try #require(Bundle.module.url(forResource: "parity_embeddings", withExtension: "json", subdirectory: "Fixtures"))
        let texts = try JSONDecoder().decode(EmbeddingParityTests.Fixture.self, from: Data(contentsOf: url)).items.map(\.text)
        let spec = try Spec.load(path: EmbeddingParityTests.root.appendingPathComponent("Graphs/multitask.yaml").path)
        let plan = try CompileDriver.compile(spec: spec)
        let model = try Model(plan: plan)
        let program = try ProgramBuilder.quantizedProgram(spec, plan: plan)
        #expect(QuantizedInference.layers(in: program).count == 24)
        let executor = Executor(program: program, store: model.store, arena: model.arena)
        let stats = QuantizationGuard.compare(try model.embed(texts, on: model.inference), try model.embed(texts, on: executor))
        #expect(stats.worst >= 0.99, "worst cosine \(stats.worst) on sentence \(stats.worstSentence)")
        #expect(stats.mean >= 0.995, "mean cosine \(stats.mean)")
    }
}
