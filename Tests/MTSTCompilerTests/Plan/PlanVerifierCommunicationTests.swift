import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// A shared plan whose communication nodes were moved or edited is refused: a gradient summed
/// before it is final, or never, would make ranks train different models without a word.
@Suite struct PlanVerifierCommunicationTests {
    static let plan: Plan = PlanVerifierTests.plan
    static func rejection(_ change: (inout Plan) -> Void) throws -> String { try PlanVerifierTests.rejection(change) }

    static var start: Int { plan.training!.graph.nodes.firstIndex { $0.kind == .allReduceStart }! }
    static var wait: Int { plan.training!.graph.nodes.firstIndex { $0.kind == .allReduceWait }! }

    @Test func compiledBucketsAreAccepted() throws {
        #expect(try Self.rejection { _ in } == "accepted")
    }

    @Test func aGradientLeftOutIsRefused() throws {
        let s = Self.start
        let first = Self.plan.training!.graph.nodes[s].inputs[0].node
        let path = Self.plan.params[Self.plan.training!.graph.nodes[first].attrs.param!].path
        #expect(try Self.rejection {
            $0.training!.graph.nodes[s].inputs.removeFirst()
            $0.training!.graph.nodes[Self.wait].inputs.removeFirst()
        } == "out.plan: unsafe plan: training writes the gradient of \(path) but no bucket sums it across ranks")
    }

    /// Bucket 0's start reading a buffer that a later node still writes into.
    @Test func aStartBeforeTheLastWriteIsRefused() throws {
        var plan = try GradientBucketPassTests.compileTiny(extra: "distributed: {bucket_mb: 0.004}\n")
        let g = try #require(plan.training).graph
        let buckets = GradientBuckets.list(g)
        let start = g.nodes[buckets[0].startNode]
        let shape = { (path: String) in plan.params.first { $0.path == path }!.shape }
        let early = try #require(start.inputs.first { g.nodes[$0.node].attrs.param.map { plan.params[$0].shape == [16] } == true })
        let later = try #require(buckets.dropFirst().flatMap(\.params).first { shape($0) == [16] })
        let q = try #require(plan.params.firstIndex { $0.path == later })
        let writer = try #require(GradientBuckets.lastWriters(g)[q])
        plan.training!.graph.nodes[early.node].attrs = .param(q)
        do {
            _ = try PlanCodec.decode(try PlanCodec.encode(plan), path: "out.plan")
            Issue.record("accepted")
        } catch {
            #expect("\(error)" == "out.plan: unsafe plan: training.nodes[\(start.id)] starts bucket 0, but \(later) is written again by node \(writer)")
        }
    }

    @Test func aWaitForOtherBuffersIsRefused() throws {
        let w = Self.wait
        #expect(try Self.rejection { $0.training!.graph.nodes[w].inputs.removeLast() }
                == "out.plan: unsafe plan: training.nodes[\(w)] waits for other buffers than bucket 0's start (node \(Self.start))")
        #expect(try Self.rejection { $0.training!.graph.nodes[w].kind = .allReduceStart }
                == "out.plan: unsafe plan: training.nodes[\(w)]: bucket 0 is started twice")
    }

    @Test func communicationOutsideTrainingIsRefused() throws {
        let node = Self.plan.training!.graph.nodes[Self.wait]
        #expect(try Self.rejection {
            var n = node
            n.id = $0.update!.graph.nodes.count
            n.inputs = []
            $0.update!.graph.nodes.append(n)
            $0.update!.arena.offsets.append(-1)
            $0.update!.arena.sizes.append(0)
            $0.update!.arena.extraOffsets.append([])
            $0.update!.arena.extraSizes.append([])
        }.contains("allReduceWait"))
    }
}
