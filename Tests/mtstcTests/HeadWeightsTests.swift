import Foundation
import MTSTCompiler
import MTSTRuntime
import Testing

/// `heads.<name>.weights` with `backbone.weights`: a spec that starts from a run's exported
/// `model.safetensors` and `heads.safetensors` is, before any training, the model that run's
/// checkpoint holds.
@Suite struct HeadWeightsTests {
    static let sentences = ["show me flights from boston to denver", "what is the fare from atlanta to boston",
                            "which airline flies from dallas"]

    /// The tiny spec reading its backbone and both heads from the files of `run`.
    static func fromRun(_ run: String, heads: [String] = ["intent", "slots"]) -> (String) -> String {
        { yaml in
            var yaml = yaml.replacingOccurrences(of: "  init_std: 0.02\n", with: "  init_std: 0.02\n  weights: \(run)/model.safetensors\n")
            if heads.contains("intent") {
                yaml = yaml.replacingOccurrences(of: "    labels: [atis_flight, atis_airfare, atis_airline]\n",
                                                 with: "    labels: [atis_flight, atis_airfare, atis_airline]\n    weights: \(run)/heads.safetensors\n")
            }
            if heads.contains("slots") {
                yaml = yaml.replacingOccurrences(of: "    labels: [O, B-x, I-x, B-y, I-y]   # x: departure city, y: arrival city\n",
                                                 with: "    labels: [O, B-x, I-x, B-y, I-y]\n    weights: \(run)/heads.safetensors\n")
            }
            return yaml
        }
    }

    @Test func aSpecFromARunsFilesIsThatRunsModel() throws {
        let scratch = try Scratch(tmpfsBytes: nil)
        let first = try scratch.tinyPlan()
        let run = scratch.file("run")
        let r = try CLI.run(["run", "--graph", first, "--epochs", "1", "--out", run])
        try #require(r.status == 0, "\(r.stderr)")

        let trained = try Predictor(planPath: first, checkpoint: run)
        let second = try scratch.tinyPlan(name: "second.plan", edit: Self.fromRun(run))
        let loaded = try Model(planPath: second)
        let params = loaded.plan.params.indices.filter { loaded.plan.params[$0].checkpointName != nil }
        #expect(try PlanCodec.read(path: second).headWeights?.map(\.head) == ["intent", "slots"])
        #expect(params.contains { loaded.plan.params[$0].path == "heads.slots.weight" })
        for i in params {
            #expect(loaded.store.values(of: i) == trained.model.store.values(of: i), "\(loaded.plan.params[i].path)")
        }
        let predicted = try Predictor(model: loaded).predict(Self.sentences)
        let expected = try trained.predict(Self.sentences)
        #expect(predicted.map(\.prediction.labels) == expected.map(\.prediction.labels))
        #expect(predicted.map(\.prediction.tags) == expected.map(\.prediction.tags))
        #expect(try loaded.embed(Self.sentences) == trained.model.embed(Self.sentences))

        // Without heads.slots.weights the slot head is the seeded init again, not the run's.
        let backboneOnly = try Model(planPath: try scratch.tinyPlan(name: "third.plan", edit: Self.fromRun(run, heads: ["intent"])))
        let slot = try #require(params.first { loaded.plan.params[$0].path == "heads.slots.weight" })
        #expect(backboneOnly.store.values(of: slot) != trained.model.store.values(of: slot))
        let intent = try #require(params.first { loaded.plan.params[$0].path == "heads.intent.weight" })
        #expect(backboneOnly.store.values(of: intent) == trained.model.store.values(of: intent))

        // The inspect summary names the files.
        let inspect = try CLI.run(["inspect", second])
        #expect(inspect.stdout.contains("weights of head slots: \(run)/heads.safetensors"))
    }

    @Test func otherLabelsOrAFileWithoutTheHeadAreRefused() throws {
        let scratch = try Scratch(tmpfsBytes: nil)
        let run = scratch.file("run")
        let r = try CLI.run(["run", "--graph", try scratch.tinyPlan(), "--epochs", "1", "--out", run])
        try #require(r.status == 0, "\(r.stderr)")
        let slotsFromRun = "    labels: [O, B-x, I-x, B-y, I-y]\n    weights: \(run)/heads.safetensors\n"
        let cases = [
            ("    labels: [O, B-y, I-y, B-x, I-x]\n    weights: \(run)/heads.safetensors\n",
             "heads.slots.weights: \(run)/heads.safetensors: the labels of head slots differ from the plan's: the same labels in another order (label 1 is 'B-x' in the file, 'B-y' in the plan)"),
            ("    labels: [O, B-x, I-x, B-y, I-y, B-z]\n    weights: \(run)/heads.safetensors\n",
             "heads.slots.weights: \(run)/heads.safetensors: tensor heads.slots.weight has shape [5, 16], the spec expects [6, 16]"),
            ("    labels: [O, B-x, I-x, B-y, I-y]\n    weights: \(run)/model.safetensors\n",
             "heads.slots.weights: \(run)/model.safetensors: tensor heads.slots.weight is missing"),
        ]
        for (k, (slots, message)) in cases.enumerated() {
            let plan = scratch.file("bad-\(k).plan")
            let yaml = Self.fromRun(run)(try String(contentsOf: CLI.root.appendingPathComponent("Graphs/tiny.yaml"), encoding: .utf8))
                .replacingOccurrences(of: slotsFromRun, with: slots)
                .replacingOccurrences(of: "tiny-vocab.txt", with: CLI.root.path + "/Graphs/tiny-vocab.txt")
                .replacingOccurrences(of: "tiny-data/", with: CLI.root.path + "/Graphs/tiny-data/")
            let spec = scratch.file("bad-\(k).yaml")
            try yaml.write(toFile: spec, atomically: true, encoding: .utf8)
            let compile = try CLI.run(["compile", spec, "-o", plan])
            #expect(compile.status != 0)
            let lines = compile.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.hasPrefix("error: \(spec):") == true && lines.first?.hasSuffix(message) == true,
                    "\(compile.stderr)")
            #expect(!FileManager.default.fileExists(atPath: plan))
        }
    }
}
