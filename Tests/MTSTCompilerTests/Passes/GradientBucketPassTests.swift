import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// The gradient buckets of training programs: which gradients travel, in what order, where the
/// start and wait nodes sit, and that frozen parameters and gradual-unfreezing phases are handled.
@Suite struct GradientBucketPassTests {
    /// Graphs/tiny.yaml with absolute paths and `extra` appended (a `distributed:` section, rules).
    static func compileTiny(_ replace: [(String, String)] = [], extra: String = "") throws -> Plan {
        let root = repoRoot()
        var yaml = try String(contentsOfFile: "\(root)/Graphs/tiny.yaml", encoding: .utf8)
            .replacingOccurrences(of: "vocab: tiny-vocab.txt", with: "vocab: \(root)/Graphs/tiny-vocab.txt")
            .replacingOccurrences(of: "path: tiny-data/", with: "path: \(root)/Graphs/tiny-data/")
        for (old, new) in replace { yaml = yaml.replacingOccurrences(of: old, with: new) }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/tiny.yaml"
        try (yaml + extra).write(toFile: path, atomically: true, encoding: .utf8)
        return try CompileDriver.compile(specPath: path)
    }

    /// Writer node of each parameter's gradient, last one wins.
    static func lastWriters(_ g: Graph) -> [Int: Int] { GradientBuckets.lastWriters(g) }

    @Test func everyGradientTravelsOnceAfterItsLastWrite() throws {
        let plan = try Self.compileTiny(extra: "distributed: {bucket_mb: 0.004}\n")
        let g = try #require(plan.training).graph
        let buckets = GradientBuckets.list(g)
        #expect(buckets.count > 3)
        let writers = Self.lastWriters(g)
        var seen: [String] = []
        for b in buckets {
            let start = g.nodes[b.startNode]
            #expect(start.kind == .allReduceStart && g.nodes[b.waitNode].kind == .allReduceWait)
            for value in start.inputs {
                let p = try #require(g.nodes[value.node].attrs.param)
                #expect(try #require(writers[p]) < b.startNode)
            }
            // The start sits right after its bucket's last write (only the buffers' source nodes between).
            let last = start.inputs.map { writers[g.nodes[$0.node].attrs.param!]! }.max()!
            #expect(g.nodes[(last + 1)..<b.startNode].allSatisfy { $0.kind == .gradient || $0.kind == .allReduceStart })
            // A bucket goes over the size only when one tensor alone does.
            #expect(b.bytes <= Int(0.004 * 1024 * 1024) || b.params.count == 1)
            seen += b.params
        }
        #expect(seen.count == Set(seen).count)
        #expect(Set(seen) == Set(writers.keys.map { plan.params[$0].path }))
        // Completion order: the heads' gradients are final first, the embeddings' last.
        #expect(buckets.first?.params.first?.hasPrefix("heads.") == true)
        #expect(buckets.last?.params.contains("backbone.embeddings.word_embeddings.weight") == true)
        // Waits end the program, in bucket order, after every start.
        let waits = g.nodes.suffix(buckets.count)
        #expect(waits.map(\.kind) == Array(repeating: .allReduceWait, count: buckets.count))
        #expect(waits.map { $0.attrs.bucket } == buckets.map(\.index))
        // Communication is no op of the model and no backward op.
        let base = try Self.compileTiny()
        #expect(g.opCount == base.training!.graph.opCount)
        #expect(plan.stats.backwardOps == base.stats.backwardOps)
        #expect(GradientBuckets.list(base.training!.graph).count == 1)
        #expect(plan.distributed == DistributedConfig(bucketMB: 0.004, zero: 0))
        #expect(base.distributed == DistributedConfig())
    }

    @Test func frozenParametersNeverTravel() throws {
        let plan = try Self.compileTiny([("  schedule:\n", "  rules:\n    - params: backbone.layers[0].*\n      frozen: true\n  schedule:\n")])
        let g = try #require(plan.training).graph
        let travelling = GradientBuckets.list(g).flatMap(\.params)
        #expect(!travelling.isEmpty)
        #expect(!travelling.contains { $0.hasPrefix("backbone.layers[0].") })
        #expect(travelling.contains("backbone.layers[1].ffn.output.weight"))
    }

    @Test func phasesHaveTheirOwnBuckets() throws {
        let plan = try CompileDriver.compile(specPath: "\(repoRoot())/Graphs/tiny-distilbert.yaml")
        let phases = plan.trainingPhases
        #expect(phases.count == 3)
        var counts: [Int] = []
        for phase in phases {
            let buckets = GradientBuckets.list(phase.program.graph)
            let params = Set(buckets.flatMap(\.params))
            #expect(params == Set(OptimizerLowering.parametersWithGradients(phase.program.graph).map { plan.params[$0].path }))
            counts.append(params.count)
        }
        #expect(counts == counts.sorted() && counts.first! < counts.last!)
    }

    @Test func inferenceAndUpdateProgramsHaveNoCommunication() throws {
        let plan = try Self.compileTiny()
        #expect(!plan.inference.graph.nodes.contains { $0.kind.def.isCommunication })
        #expect(!plan.update!.graph.nodes.contains { $0.kind.def.isCommunication })
    }

    @Test func communicationOpsRefuseToBeDifferentiated() throws {
        for kind in [OpKind.allReduceStart, .allReduceWait] {
            let differentiable = kind.def.isDifferentiable
            #expect(!differentiable)
            var builder = GradientBuilder(graph: Graph(maxBatch: 1, maxSeq: 1))
            let node = Node(id: 0, kind: kind, inputs: [], attrs: .bucket(0), name: "gradients.bucket[0]")
            do {
                _ = try kind.def.gradient(&builder, node, ValueRef(0))
                Issue.record("\(kind) was differentiated")
            } catch {
                #expect("\(error)" == "[\(kind.rawValue)] gradients.bucket[0]: cannot differentiate: a communication op moves gradients after the backward pass and has no gradient of its own")
            }
        }
    }
}
