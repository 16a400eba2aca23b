import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// What a spec's data keys become in the plan and in the examples the trainer gets.
@Suite struct DataRoutingTests {
    /// Graphs/tiny.yaml reading its 16 training sentences as a 12/4 holdout, the slot tags of the
    /// training side routed nowhere.
    static func plan() throws -> Plan {
        var yaml = try String(contentsOfFile: InitSeedTests.tinyPath, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "  train: {format: atis, path: tiny-data/train.txt}\n  eval: {format: atis, path: tiny-data/test.txt}\n", with: """
              train: {format: atis, path: tiny-data/train.txt, name: tiny, tag_head: none, split: {holdout: 0.25, seed: 3}}
              eval: {format: atis, path: tiny-data/train.txt, name: tiny, split: {holdout: 0.25, seed: 3}}

            """)
        let spec = try Spec.parse(yaml: yaml, path: InitSeedTests.tinyPath)
        return try PlanCodec.decode(try PlanCodec.encode(try CompileDriver.compile(spec: spec)), path: "tiny.plan")
    }

    @Test func noneRoutesNothingAndTheSplitReachesThePlan() throws {
        let plan = try Self.plan()
        let data = try #require(plan.data)
        #expect(data.train[0].tagHead == nil && data.train[0].labelHead == "intent" && data.eval[0].tagHead == "slots")
        #expect(data.train[0].split == .holdout(fraction: 0.25, seed: 3, part: .rest))
        #expect(data.eval[0].split == .holdout(fraction: 0.25, seed: 3, part: .holdout))
        #expect(data.train.map(\.datasetName) == ["tiny"] && data.eval.map(\.datasetName) == ["tiny"])

        let train = try TrainingData.read(data.train[0]), eval = try TrainingData.read(data.eval[0])
        #expect(train.count == 12 && eval.count == 4)
        #expect(Set(train.map(\.source.line)).isDisjoint(with: eval.map(\.source.line)))

        // The training side's tags train nothing: every slot label is "ignore"; its intents train.
        let heads = plan.model.taskHeads
        let route = TrainingData.routing(labelHead: data.train[0].labelHead, tagHead: data.train[0].tagHead, heads: heads)
        let encoder = ExampleEncoder(heads: heads, tokenizer: try BertTokenizer(plan: plan), maxLength: 16)
        let slots = try #require(heads.firstIndex { $0.name == "slots" }), intent = try #require(heads.firstIndex { $0.name == "intent" })
        for e in train {
            let encoded = encoder.encode(e, route: route)
            #expect(encoded.labels[slots].allSatisfy { $0 == -1 })
            #expect(encoded.labels[intent].count == 1 && encoded.labels[intent][0] >= 0)
        }
    }
}
