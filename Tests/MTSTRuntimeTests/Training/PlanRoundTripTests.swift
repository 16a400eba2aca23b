import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// A compiled plan survives encode → decode unchanged; damaged bytes are rejected by kind.
struct PlanRoundTripTests {
    static func tinyPlan() throws -> Plan {
        try CompileDriver.compile(specPath: EmbeddingParityTests.root.appendingPathComponent("Graphs/tiny.yaml").path)
    }

    @Test func roundTripIsExact() throws {
        let plan = try Self.tinyPlan()
        let bytes = try PlanCodec.encode(plan)
        let decoded = try PlanCodec.decode(bytes, path: "tiny.plan")
        #expect(try PlanCodec.encode(decoded) == bytes)
        #expect(decoded.params == plan.params)
        #expect(decoded.inference.arena == plan.inference.arena)
        #expect(decoded.training?.graph.nodes.count == plan.training?.graph.nodes.count)
        #expect(decoded.update?.graph.count(of: .adamw) == plan.params.filter { $0.sliceOf == nil && $0.trains }.count)
        #expect(decoded.model == plan.model)
    }

    @Test func damagedPlansAreRejected() throws {
        let bytes = try PlanCodec.encode(try Self.tinyPlan())
        func error(_ b: [UInt8]) -> String {
            do {
                _ = try PlanCodec.decode(b, path: "p.plan")
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(error(Array(bytes.prefix(30))).contains("truncated"))
        #expect(error(Array(bytes.dropLast(1))).contains("truncated"))
        var flipped = bytes
        flipped[bytes.count / 2] ^= 1
        #expect(error(flipped).contains("checksum"))
        var version = bytes
        version[8] = 7
        #expect(error(version).contains("version 7"))
        #expect(error(Array("not a plan at all".utf8)).contains("not an mtstc plan"))
        #expect(error(bytes + [0]).contains("trailing"))
    }
}
