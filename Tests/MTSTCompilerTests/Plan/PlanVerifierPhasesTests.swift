import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Phase programs of a gradually unfrozen plan (Graphs/tiny-distilbert.yaml, phases from epochs
/// 0, 1 and 2) are verified like the training program, and their order and gradients are checked.
@Suite struct PlanVerifierPhasesTests {
    static let plan: Plan = {
        (try? CompileDriver.compile(specPath: "\(repoRoot())/Graphs/tiny-distilbert.yaml")) ?? PlanVerifierTests.unreachable()
    }()

    static func rejection(_ change: (inout Plan) -> Void) throws -> String {
        var plan = Self.plan
        change(&plan)
        do {
            _ = try PlanCodec.decode(try PlanCodec.encode(plan), path: "out.plan")
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test func compiledPhasedPlanIsAccepted() throws {
        #expect(Self.plan.phases?.early.count == 2)
        #expect(try Self.rejection { _ in } == "accepted")
    }

    @Test func phasesOutOfOrder() throws {
        #expect(try Self.rejection { $0.phases!.early[0].fromEpoch = 1 }
                == "out.plan: unsafe plan: phases.early[0].fromEpoch = 1: the first phase starts at epoch 0")
        #expect(try Self.rejection { $0.phases!.early[1].fromEpoch = 0 }
                == "out.plan: unsafe plan: phases.early[1].fromEpoch = 0 does not come after the previous phase's 0")
        #expect(try Self.rejection { $0.phases!.lastFromEpoch = 1 }
                == "out.plan: unsafe plan: phases.early[1].fromEpoch = 1 does not come before phases.lastFromEpoch 1")
        #expect(try Self.rejection { $0.phases!.lastFromEpoch = -5 }
                == "out.plan: unsafe plan: phases.lastFromEpoch = -5 is out of range (1...2147483647)")
        #expect(try Self.rejection { $0.phases!.early = [] }
                == "out.plan: unsafe plan: phases.early.count = 0 is out of range (1...\(Self.plan.params.count))")
    }

    @Test func phasesWithoutTraining() throws {
        #expect(try Self.rejection {
            $0.training = nil
            $0.update = nil
        } == "out.plan: unsafe plan: phases is present without a training program")
    }

    /// A phase program is checked node by node like the training program.
    @Test func phaseProgramNodeOutOfRange() throws {
        let g = try #require(Self.plan.phases?.early[0].program.graph)
        let k = try #require(g.nodes.firstIndex { $0.inputs.count >= 2 })
        #expect(try Self.rejection { $0.phases!.early[0].program.graph.nodes[k].inputs[1] = 9999 }
                == "out.plan: unsafe plan: phases.early[0].program.nodes[\(k)].inputs[1] = 9999 is out of range (\(g.nodes.count) nodes)")
        #expect(try Self.rejection { $0.phases!.early[0].program.arena.bytes = 64 }.hasPrefix("out.plan: unsafe plan: phases.early[0].program.arena.offsets["))
        #expect(try Self.rejection { $0.phases!.early[1].program.graph.outputs["loss"] = nil }
                == "out.plan: unsafe plan: phases.early[1].program.outputs[loss] is missing")
        #expect(try Self.rejection { $0.phases!.early[0].program.graph.maxBatch = 2 }
                == "out.plan: unsafe plan: phases.early[0] is planned for 2×16, the training program for 4×16")
    }

    /// A phase must write the gradients of exactly what trains in it: the full program in phase
    /// 0 would train layers 0 and 1 early; phase 0's program in phase 1 would skip layer 1.
    @Test func phaseGradientsMatchWhatTrains() throws {
        let full = try #require(Self.plan.training)
        let early = try #require(Self.plan.phases?.early)
        let rejected = try Self.rejection { $0.phases!.early[0].program = full }
        #expect(rejected.hasPrefix("out.plan: unsafe plan: phases.early[0] writes the gradient of backbone.layers[0]."))
        #expect(rejected.hasSuffix(", which does not train before epoch 2"))
        let skipped = try Self.rejection { $0.phases!.early[1].program = early[0].program }
        #expect(skipped.hasPrefix("out.plan: unsafe plan: phases.early[1] writes no gradient for backbone.layers[1]."))
        #expect(skipped.hasSuffix(", which trains from epoch 1"))
    }

    /// A phase's program keys must decode; a plan of the previous format is refused with one line.
    @Test func malformedAndOldPlans() throws {
        var bytes = try PlanCodec.encode(Self.plan)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(bytes[PlanCodec.headerSize...])) as? [String: Any])
        var phases = try #require(json["phases"] as? [String: Any])
        phases["lastFromEpoch"] = "two"
        json["phases"] = phases
        let payload = [UInt8](try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]))
        #expect(throws: PlanError.self) { try PlanCodec.decode(PlanCodec.frame(payload), path: "p.plan") }
        do {
            _ = try PlanCodec.decode(PlanCodec.frame(payload), path: "p.plan")
        } catch {
            #expect("\(error)" == "p.plan: plan payload is malformed: phases.lastFromEpoch: expected an integer, found \"two\"; recompile the spec")
        }
        bytes[8] = 3
        do {
            _ = try PlanCodec.decode(bytes, path: "p.plan")
            Issue.record("a version 3 plan was accepted")
        } catch {
            #expect("\(error)" == "p.plan: plan format version 3, this mtstc reads version \(Plan.formatVersion); recompile the spec")
        }
    }
}
