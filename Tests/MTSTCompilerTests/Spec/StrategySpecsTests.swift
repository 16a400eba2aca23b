import Foundation
import Testing
@testable import MTSTCompiler

/// Every strategy in Graphs/strategies/ is Graphs/multitask.yaml with other optimizer rules:
/// the same model, heads, losses, training loop, data and compile options, so `mtstc compare`
/// measures the strategy and nothing else. Compared on the YAML trees (values only, positions
/// ignored; file paths resolved against each spec's folder) and on the decoded specs.
@Suite struct StrategySpecsTests {
    static let root = repoRoot()

    static var strategies: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/Graphs/strategies")) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// Keys whose values are file paths, resolved relative to the spec.
    static let pathKeys: Set = ["config", "weights", "vocab", "path"]

    /// A YAML node as plain values, without positions; path scalars resolved against `file`.
    static func plain(_ node: YAMLNode, key: String = "", file: String) -> String {
        switch node.value {
        case .null: return "null"
        case let .scalar(text, plain):
            let value = pathKeys.contains(key) ? SpecPaths.resolve(text, relativeTo: file) : text
            return plain ? value : "\"\(value)\""
        case .sequence(let items): return "[" + items.map { plain($0, file: file) }.joined(separator: ", ") + "]"
        case .mapping(let entries):
            return "{" + entries.map { "\($0.key): \(plain($0.value, key: $0.key, file: file))" }.joined(separator: ", ") + "}"
        }
    }

    static func sections(_ relative: String) throws -> [String: String] {
        let file = "\(root)/Graphs/\(relative)"
        let node = try YAMLReader.read(try String(contentsOfFile: file, encoding: .utf8), file: file)
        guard case .mapping(let entries) = node.value else { return [:] }
        return Dictionary(uniqueKeysWithValues: entries.map { ($0.key, plain($0.value, key: $0.key, file: file)) })
    }

    @Test func theDesignsStrategiesAreAllThere() {
        #expect(Self.strategies == [
            "backbone-frozen.yaml", "feature-extraction.yaml", "full-finetuning.yaml", "intent-head-frozen.yaml",
            "layered.yaml", "layerwise-lr.yaml", "slot-head-frozen.yaml", "two-stage.yaml",
        ])
    }

    @Test(arguments: strategies)
    func differsFromMultitaskOnlyInTheOptimizer(_ name: String) throws {
        let base = try Self.sections("multitask.yaml")
        let strategy = try Self.sections("strategies/\(name)")
        #expect(Set(strategy.keys) == Set(base.keys), "\(name) has other top-level sections")
        for key in base.keys.sorted() where key != "optimizer" && key != "name" {
            #expect(strategy[key] == base[key], "\(name): section \(key) differs from multitask.yaml")
        }
        #expect(strategy["name"] != base["name"], "\(name) needs its own name (run folders are named after it)")

        // Decoded, the specs agree too (defaults, config.json values, heads in order).
        let a = try ShippedGraphsTests.parseShipped("multitask.yaml")
        let b = try ShippedGraphsTests.parseShipped("strategies/\(name)")
        #expect(b.heads.map(\.name) == a.heads.map(\.name))
        #expect(b.training.epochs == a.training.epochs && b.training.batchSize == a.training.batchSize)
        #expect(b.compile.maxBatch == a.compile.maxBatch && b.compile.maxSeq == a.compile.maxSeq)
        #expect(b.backbone.numLayers == a.backbone.numLayers && b.backbone.hiddenSize == a.backbone.hiddenSize)
    }
}
