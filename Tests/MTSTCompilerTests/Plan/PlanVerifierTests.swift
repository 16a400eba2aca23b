import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Plans with a valid checksum but one field corrupted, as someone could share them: each is
/// refused on load with one line naming the field. Built from a real compiled tiny plan:
/// decode, change one field, re-encode (a fresh, valid checksum), decode again.
@Suite struct PlanVerifierTests {
    static let plan: Plan = {
        // The tiny spec compiles in milliseconds; a failure here fails every test below.
        (try? CompileDriver.compile(specPath: "\(repoRoot())/Graphs/tiny.yaml")) ?? PlanVerifierTests.unreachable()
    }()

    static func unreachable() -> Plan { preconditionFailure("Graphs/tiny.yaml does not compile") }

    /// The error `decode` gives once `change` is applied, or "accepted".
    static func rejection(limits: PlanLimits = PlanLimits(), _ change: (inout Plan) -> Void) throws -> String {
        var plan = Self.plan
        change(&plan)
        let bytes = try PlanCodec.encode(plan)
        do {
            _ = try PlanCodec.decode(bytes, path: "out.plan", limits: limits)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    static func first(_ program: Program, _ kind: OpKind) throws -> Int {
        try #require(program.graph.nodes.firstIndex { $0.kind == kind })
    }

    /// Every node in every program of a plan, so a parameter table change can be made consistently.
    static func setParams(_ plan: inout Plan, _ change: (inout [ParamEntry]) -> Void) {
        change(&plan.params)
        change(&plan.inference.graph.params)
        if plan.training != nil { change(&plan.training!.graph.params) }
        if plan.update != nil { change(&plan.update!.graph.params) }
    }

    @Test func compiledPlanIsAccepted() throws {
        #expect(try Self.rejection { _ in } == "accepted")
    }

    @Test func nodeInputOutOfRange() throws {
        let t = try #require(Self.plan.training)
        let k = try #require(t.graph.nodes.firstIndex { $0.inputs.count >= 2 })
        let n = t.graph.nodes.count
        #expect(try Self.rejection { $0.training!.graph.nodes[k].inputs[1] = 9999 }
                == "out.plan: unsafe plan: training.nodes[\(k)].inputs[1] = 9999 is out of range (\(n) nodes)")
        #expect(try Self.rejection { $0.training!.graph.nodes[k].inputs[0] = -1 }
                == "out.plan: unsafe plan: training.nodes[\(k)].inputs[0] = -1 is out of range (\(n) nodes)")
        #expect(try Self.rejection { $0.training!.graph.nodes[k].inputs[0] = ValueRef(k) }
                == "out.plan: unsafe plan: training.nodes[\(k)].inputs[0] = \(k) does not come before the node")
    }

    @Test func arenaOffsetPastTheArena() throws {
        let p = Self.plan.inference
        let i = try Self.first(p, .biasGelu)
        let bytes = p.arena.bytes
        let need = try #require(p.graph.nodes[i].shape.checkedBytes(batch: p.graph.maxBatch, seq: p.graph.maxSeq))
        #expect(try Self.rejection { $0.inference.arena.offsets[i] = bytes }
                == "out.plan: unsafe plan: inference.arena.offsets[\(i)] = \(bytes): node \(i) needs \(need) bytes at 4×32, past the arena's \(bytes) bytes")
        #expect(try Self.rejection { $0.inference.arena.offsets[i] = 12 }
                == "out.plan: unsafe plan: inference.arena.offsets[\(i)] = 12 is not 64-byte aligned")
    }

    @Test func arenaSmallerThanItsBuffers() throws {
        let p = Self.plan.inference
        let g = p.graph
        let i = try #require(g.nodes.firstIndex { NodeStorage.of($0) == .arena
            && p.arena.offsets[$0.id] + ($0.shape.checkedBytes(batch: g.maxBatch, seq: g.maxSeq) ?? 0) > 64 })
        let need = try #require(g.nodes[i].shape.checkedBytes(batch: g.maxBatch, seq: g.maxSeq))
        #expect(try Self.rejection { $0.inference.arena.bytes = 64 }
                == "out.plan: unsafe plan: inference.arena.offsets[\(i)] = \(p.arena.offsets[i]): node \(i) needs \(need) bytes at 4×32, past the arena's 64 bytes")
    }

    /// The executor used to give a node without a slot the arena's base address.
    @Test func nodeWithoutStorage() throws {
        let i = try Self.first(Self.plan.inference, .biasGelu)
        let name = Self.plan.inference.graph.nodes[i].name
        #expect(try Self.rejection { $0.inference.arena.offsets[i] = -1 }
                == "out.plan: unsafe plan: inference.arena.offsets[\(i)] = -1: node \(i) (\(name)) has no storage")
    }

    @Test func absurdParameterShapes() throws {
        #expect(try Self.rejection { Self.setParams(&$0) { $0[0].shape = [1 << 40, 1 << 40] } }
                == "out.plan: unsafe plan: params[0].shape = [1099511627776, 1099511627776] is not a tensor shape (dimensions from 1 to 2^31−1, element count below 2^63)")
        #expect(try Self.rejection { Self.setParams(&$0) { $0[0].shape = [65, 0] } }
                == "out.plan: unsafe plan: params[0].shape = [65, 0] is not a tensor shape (dimensions from 1 to 2^31−1, element count below 2^63)")
        #expect(try Self.rejection { Self.setParams(&$0) { $0[0].shape = [1, 1 << 32] } }
                == "out.plan: unsafe plan: params[0].shape = [1, 4294967296] is not a tensor shape (dimensions from 1 to 2^31−1, element count below 2^63)")
        // Consistent in every table, but no longer what the graph's nodes were built for.
        let node = try #require(Self.plan.inference.graph.nodes.firstIndex { $0.kind == .param && $0.attrs.param == 0 })
        #expect(try Self.rejection { Self.setParams(&$0) { $0[0].shape = [1 << 24, 1 << 20] } }
                == "out.plan: unsafe plan: inference.nodes[\(node)].shape = [65,16], but its inputs give [16777216,1048576]")
        // Only in one program's copy.
        #expect(try Self.rejection { $0.training!.graph.params[0].shape = [66, 16] }
                == "out.plan: unsafe plan: training.params differs from the plan's parameter table")
    }

    @Test func parameterIndicesAndSlices() throws {
        let node = try #require(Self.plan.inference.graph.nodes.firstIndex { $0.kind == .param })
        let n = Self.plan.params.count
        #expect(try Self.rejection { $0.inference.graph.nodes[node].attrs = .param(999) }
                == "out.plan: unsafe plan: inference.nodes[\(node)].attrs.param = 999 is out of range (\(n) parameters)")
        let slice = try #require(Self.plan.params.firstIndex { $0.sliceOf != nil })
        let root = try #require(Self.plan.params[slice].sliceOf)
        let count = Self.plan.params[slice].count
        #expect(try Self.rejection { Self.setParams(&$0) { $0[slice].sliceOffset = 1 << 40 } }
                == "out.plan: unsafe plan: params[\(slice)].sliceOffset = 1099511627776: \(count) elements do not fit in params[\(root)] (\(Self.plan.params[root].shape))")
        #expect(try Self.rejection { Self.setParams(&$0) { $0[slice].sliceOf = slice } }
                == "out.plan: unsafe plan: params[\(slice)].sliceOf = \(slice) is not another root parameter (\(n) parameters)")
    }

    @Test func gradientIntoAParameterWithoutGradient() throws {
        let t = try #require(Self.plan.training)
        let k = try #require(t.graph.nodes.firstIndex { $0.accumulatesInto != nil })
        let slice = try #require(Self.plan.params.firstIndex { $0.sliceOf != nil })
        #expect(try Self.rejection { $0.training!.graph.nodes[k].accumulatesInto = slice }
                == "out.plan: unsafe plan: training.nodes[\(k)].accumulatesInto = \(slice) (\(Self.plan.params[slice].path)) has no gradient buffer (a slice or a frozen parameter)")
    }

    @Test func absurdMaxima() throws {
        #expect(try Self.rejection { $0.inference.graph.maxBatch = 1_000_000_000 }
                == "out.plan: unsafe plan: inference.maxBatch = 1000000000 is out of range (1...65536)")
        #expect(try Self.rejection { $0.training!.graph.maxSeq = 0 }
                == "out.plan: unsafe plan: training.maxSeq = 0 is out of range (1...65536)")
        #expect(try Self.rejection { $0.tokenizer.maxLength = 1 }
                == "out.plan: unsafe plan: tokenizer.maxLength = 1 is out of range (2...65536)")
        // Within the limits, but the arena was planned for 4 sentences.
        let i = try #require(Self.plan.inference.graph.nodes.firstIndex { NodeStorage.of($0) == .arena && $0.shape.dims.contains { $0.batchPower > 0 } })
        let rejected = try Self.rejection { $0.inference.graph.maxBatch = 65536 }
        #expect(rejected.hasPrefix("out.plan: unsafe plan: inference.arena.offsets[\(i)] = \(Self.plan.inference.arena.offsets[i]): node \(i) needs "))
        #expect(rejected.hasSuffix(" bytes at 65536×32, past the arena's \(Self.plan.inference.arena.bytes) bytes"))
        #expect(try Self.rejection { $0.model.maxPositions = 8 }
                == "out.plan: unsafe plan: inference.maxSeq = 32 exceeds model.maxPositions 8")
    }

    @Test func attributesKernelsIndexWith() throws {
        let p = Self.plan.inference
        let k = try Self.first(p, .attentionProbs)
        let name = p.graph.nodes[k].name
        let width = p.graph.nodes[p.graph.nodes[k].inputs[0].node].shape[1].coefficient
        #expect(try Self.rejection { $0.inference.graph.nodes[k].attrs.attention?.heads = 1000 }
                == "out.plan: unsafe plan: inference.nodes[\(k)] (attentionProbs \(name)): q: 8000 columns at 0 do not fit [·,\(width)]")
        #expect(try Self.rejection { $0.inference.graph.nodes[k].attrs.attention?.qOffset = -8 }
                == "out.plan: unsafe plan: inference.nodes[\(k)] (attentionProbs \(name)): q: 16 columns at -8 do not fit [·,\(width)]")
        #expect(try Self.rejection { $0.inference.graph.nodes[k].attrs.attention?.headDim = 1 << 62 }
                == "out.plan: unsafe plan: inference.nodes[\(k)] (attentionProbs \(name)): 2 heads × 4611686018427387904 overflows")
        let t = try #require(Self.plan.training)
        let g = try Self.first(t, .attentionScoresGradK)
        #expect(try Self.rejection { $0.training!.graph.nodes[g].attrs.attention?.qOffset = 40 }
                == "out.plan: unsafe plan: training.nodes[\(g)] (attentionScoresGradK \(t.graph.nodes[g].name)): q: 16 columns at 40 do not fit [·,48]")
    }

    @Test func opKindArity() throws {
        let p = Self.plan.inference
        let k = try Self.first(p, .biasGelu)
        #expect(try Self.rejection { $0.inference.graph.nodes[k].kind = .gelu }
                == "out.plan: unsafe plan: inference.nodes[\(k)] (gelu \(p.graph.nodes[k].name)): expects 1 inputs, got 2")
    }

    @Test func embeddingTablesCoverTheIds() throws {
        let k = try Self.first(Self.plan.inference, .gather)
        #expect(try Self.rejection { $0.model.vocabSize = 1000 }
                == "out.plan: unsafe plan: inference.nodes[\(k)].inputs = table of 65 rows, but ids reach 999")
    }

    @Test func outputsAndHeads() throws {
        let n = Self.plan.inference.graph.nodes.count
        #expect(try Self.rejection { $0.inference.graph.outputs["embedding"] = 99999 }
                == "out.plan: unsafe plan: inference.outputs[embedding] = 99999 is out of range (\(n) nodes)")
        #expect(try Self.rejection { $0.model.taskHeads[0].labels.append("extra") }
                == "out.plan: unsafe plan: inference.outputs[logits.intent] has shape [B,3], expected [B,4]")
        #expect(try Self.rejection { $0.model.hidden = 32 }
                == "out.plan: unsafe plan: inference.outputs[embedding] has shape [B,16], expected [B,32]")
        #expect(try Self.rejection { $0.update = nil }
                == "out.plan: unsafe plan: update is missing: a plan with a training program needs its optimizer program")
    }

    /// `decode`'s error for the compiled plan's payload after `edit` (a fresh checksum, so only
    /// the JSON itself is wrong).
    static func payloadRejection(_ edit: (String) -> String) throws -> String {
        let bytes = try PlanCodec.encode(Self.plan)
        let framed = PlanCodec.frame(Array(edit(String(decoding: bytes[PlanCodec.headerSize...], as: UTF8.self)).utf8))
        do {
            _ = try PlanCodec.decode(framed, path: "out.plan")
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    /// A payload that is not a `Plan` is one line naming the JSON path, not a `DecodingError` dump.
    @Test func malformedPayloadNamesTheField() throws {
        func replacing(_ old: String, _ new: String) -> (String) -> String {
            { text in
                guard let r = text.range(of: old) else { return "no '\(old)' in the payload" }
                return text.replacingCharacters(in: r, with: new)
            }
        }
        let i = try Self.first(Self.plan.inference, .biasGelu)
        let node = try String(decoding: JSONEncoder().encode(Self.plan.inference.graph.nodes[i].kind), as: UTF8.self)
        #expect(try Self.payloadRejection(replacing("\"maxBatch\":4", "\"maxBatch\":\"four\""))
                == "out.plan: plan payload is malformed: inference.graph.maxBatch: expected an integer, found \"four\"; recompile the spec")
        #expect(try Self.payloadRejection(replacing("\"kind\":\(node)", "\"kind\":\"frobnicate\""))
                == "out.plan: plan payload is malformed: inference.graph.nodes[\(i)].kind: \"frobnicate\" is not a valid value; recompile the spec")
        #expect(try Self.payloadRejection(replacing("\"maxSeq\":32,", ""))
                == "out.plan: plan payload is malformed: inference.graph.maxSeq is missing; recompile the spec")
        #expect(try Self.payloadRejection(replacing("\"maxSeq\":32", "\"maxSeq\":null"))
                == "out.plan: plan payload is malformed: inference.graph.maxSeq: expected an integer, found null; recompile the spec")
        #expect(try Self.payloadRejection(replacing("\"vocabSize\":65", "\"vocabSize\":[65]"))
                == "out.plan: plan payload is malformed: model.vocabSize: expected an integer, found a list; recompile the spec")
        #expect(try Self.payloadRejection { "[" + $0 + "]" }
                == "out.plan: plan payload is malformed: the payload: expected an object, found a list; recompile the spec")
        #expect(try Self.payloadRejection { String($0.dropLast()) }
                == "out.plan: plan payload is malformed: not valid JSON: unexpected end of file during JSON parse; recompile the spec")
    }

    @Test func memoryItWouldMap() throws {
        let e = try #require(MemoryEstimate.atMaxima(Self.plan))
        #expect(try Self.rejection(limits: PlanLimits(maxMemory: 1 << 20)) { _ in }
                == "out.plan: unsafe plan: it needs \(PlanLimits.format(e.peak)) (\(e.breakdown)), over the memory limit of 1.0 MiB")
    }

    /// Real plans, large and with every fusion, pass.
    @Test(arguments: ["multitask.yaml", "bert-base.yaml"])
    func shippedPlansAreAccepted(spec: String) throws {
        guard FileManager.default.fileExists(atPath: "\(repoRoot())/Assets/all-MiniLM-L6-v2/vocab.txt") else { return }
        var options = CompileDriver.Options()
        options.checksums = false
        let plan = try CompileDriver.compile(specPath: "\(repoRoot())/Graphs/\(spec)", options: options)
        let decoded = try PlanCodec.decode(try PlanCodec.encode(plan), path: spec)
        #expect(decoded.training?.graph.nodes.count == plan.training?.graph.nodes.count)
    }
}
