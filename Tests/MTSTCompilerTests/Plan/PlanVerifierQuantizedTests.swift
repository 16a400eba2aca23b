import Foundation
import Testing
import MTSTKernels
@testable import MTSTCompiler
@testable import MTSTRuntime

/// A quantized plan round-trips through the file format, and malformed int8 programs are
/// refused on load with one line naming the field, as every other program is.
@Suite struct PlanVerifierQuantizedTests {
    static let plan: Plan = {
        var spec = (try? Spec.load(path: QuantizePassTests.tinyPath)) ?? unreachable()
        spec.compile.quantize = QuantizeSpec(kind: .int8)
        return (try? CompileDriver.compile(spec: spec)) ?? unreachable()
    }()

    static func unreachable<T>() -> T { preconditionFailure("Graphs/tiny.yaml does not compile with quantization") }

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

    static func firstInt8(_ plan: Plan) throws -> Int {
        try #require(plan.int8?.program.graph.nodes.firstIndex { $0.kind == .int8Linear })
    }

    @Test func roundTrips() throws {
        let bytes = try PlanCodec.encode(Self.plan)
        let decoded = try PlanCodec.decode(bytes, path: "out.plan")
        let int8 = try #require(decoded.int8)
        #expect(int8.layers == Self.plan.int8?.layers)
        #expect(int8.report == Self.plan.int8?.report)
        #expect(try PlanCodec.encode(decoded) == bytes)
        #expect(try Self.rejection { _ in } == "accepted")
    }

    @Test func int8LayerInTheFP32Program() throws {
        // The inference program replaced by the int8 one: inference-only ops outside plan.int8.
        let k = try Self.firstInt8(Self.plan)
        #expect(try Self.rejection { $0.inference = $0.int8!.program }
                == "out.plan: unsafe plan: inference.nodes[\(k)] (int8Linear backbone.layers[0].attention.qkv.int8) is inference-only and may appear only in int8.program")
    }

    @Test func weightThatIsNotAParameter() throws {
        let k = try Self.firstInt8(Self.plan)
        let x = try #require(Self.plan.int8).program.graph.nodes[k].inputs[0]
        // The activation has no constant [out, in] shape: the shape rule refuses it first.
        #expect(try Self.rejection { $0.int8!.program.graph.nodes[k].inputs[1] = x }.contains("int8.program.nodes[\(k)] (int8Linear backbone.layers[0].attention.qkv.int8): weight: expects a constant [out, in] matrix"))
    }

    @Test func epilogueThatDoesNotFitTheInputs() throws {
        let k = try Self.firstInt8(Self.plan)
        #expect(try Self.rejection { $0.int8!.program.graph.nodes[k].attrs = .int8Linear(epilogue: .none) }
                == "out.plan: unsafe plan: int8.program.nodes[\(k)] (int8Linear backbone.layers[0].attention.qkv.int8): expects 2 inputs, got 3")
        #expect(try Self.rejection { $0.int8!.program.graph.nodes[k].attrs = .matmul(transB: true) }
                == "out.plan: unsafe plan: int8.program.nodes[\(k)] (int8Linear backbone.layers[0].attention.qkv.int8): expects int8Linear attributes, got matmul")
    }

    @Test func programPlannedForOtherSizes() throws {
        #expect(try Self.rejection { $0.int8!.program.graph.maxSeq = 8 }.hasPrefix("out.plan: unsafe plan: int8.program"))
    }

    @Test func reportThatNamesNoLayer() throws {
        #expect(try Self.rejection {
            $0.int8!.report.fallbacks = [LayerFallback(layer: "heads.intent", aloneWorstCosine: 0.9, reason: "")]
        } == "out.plan: unsafe plan: int8.report.fallbacks[0].layer = heads.intent is not a quantizable layer of the model")
        #expect(try Self.rejection { $0.int8!.report.final.worst = 1.5 } == "out.plan: unsafe plan: int8.report.final.worst = 1.5 is not a cosine")
        #expect(try Self.rejection { $0.int8!.report.heads = [HeadComparison(head: "x", metric: "accuracy", fp32: 1, int8: 1)] }
                == "out.plan: unsafe plan: int8.report.heads[0].head = x is not a head of the model")
    }
}
