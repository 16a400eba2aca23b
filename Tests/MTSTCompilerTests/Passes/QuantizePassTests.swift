import Foundation
import Testing
import MTSTKernels
@testable import MTSTCompiler
@testable import MTSTRuntime

/// `QuantizePass` on the tiny spec's fused inference graph: which nodes it rewrites, with which
/// epilogue, what it leaves alone, and that nothing else in the plan changes.
@Suite struct QuantizePassTests {
    static let tinyPath = "\(repoRoot())/Graphs/tiny.yaml"

    static func compiled() throws -> (Spec, Plan) {
        let spec = try Spec.load(path: tinyPath)
        return (spec, try CompileDriver.compile(spec: spec))
    }

    /// Encoded as plans encode their payload, to compare programs byte for byte.
    static func json<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try encoder.encode(value))
    }

    static let blocks = ["attention.qkv": Int8Epilogue.bias, "attention.output": .none, "ffn.intermediate": .biasGelu, "ffn.output": .none]

    @Test func rewritesEveryBackboneLinearWithItsEpilogue() throws {
        let (spec, plan) = try Self.compiled()
        let q = try ProgramBuilder.quantizedProgram(spec, plan: plan)
        let layers = QuantizedInference.layers(in: q)
        let expected = (0..<2).flatMap { i in
            ["attention.qkv", "attention.output", "ffn.intermediate", "ffn.output"].map { "backbone.layers[\(i)].\($0)" }
        }
        #expect(layers.map(\.layer) == expected)
        for l in layers {
            let part = l.layer.split(separator: ".").suffix(2).joined(separator: ".")
            #expect(l.epilogue == Self.blocks[part], "\(l.layer)")
            #expect(l.weight == l.layer + ".weight")
            #expect(l.block == (l.layer.contains("[0]") ? 0 : 1))
        }
        let g = q.graph
        // The GELU went into the epilogue; nothing reads a backbone weight through a float GEMM.
        #expect(g.count(of: .biasGelu) == 0)
        #expect(g.count(of: .skipLayerNorm) == 4)
        for node in g.nodes where node.kind == .matmul || node.kind == .linear {
            let w = try #require(g[node.inputs[1].node].attrs.param)
            #expect(g.params[w].isHead, "\(node.name) reads \(g.params[w].path) in fp32")
        }
        // Heads, attention, LayerNorm, pooling and embeddings are as in fp32.
        let fp32 = plan.inference.graph
        for kind in [OpKind.linear, .attentionProbs, .attentionContext, .layerNorm, .meanPool, .gather, .l2Normalize] {
            #expect(g.count(of: kind) == fp32.count(of: kind) - (kind == .linear ? 2 : 0), "\(kind)")
        }
        #expect(g.opCount == fp32.opCount - 2)
        #expect(g.params == fp32.params)
    }

    @Test func leavesTheNamedLayersInFP32() throws {
        let (spec, plan) = try Self.compiled()
        let keep: Set = ["backbone.layers[1].ffn.intermediate", "backbone.layers[0].attention.qkv", "backbone.layers[0].ffn.output"]
        let q = try ProgramBuilder.quantizedProgram(spec, plan: plan, keepFP32: keep)
        let layers = Set(QuantizedInference.layers(in: q).map(\.layer))
        #expect(layers.count == 5)
        #expect(layers.isDisjoint(with: keep))
        // The kept intermediate is the fp32 fused bias-GELU again; the kept qkv a float linear.
        #expect(q.graph.count(of: .biasGelu) == 1)
        #expect(q.graph.nodes.contains { $0.kind == .linear && $0.name.hasPrefix("backbone.layers[0].attention.qkv") })
        // Everything in fp32: the program is the inference program.
        let all = Set(QuantizedInference.layers(in: try ProgramBuilder.quantizedProgram(spec, plan: plan)).map(\.layer))
        let none = try ProgramBuilder.quantizedProgram(spec, plan: plan, keepFP32: all)
        #expect(try Self.json(none) == Self.json(plan.inference))
    }

    @Test func theFP32AndTrainingProgramsAreUntouched() throws {
        let spec = try Spec.load(path: Self.tinyPath)
        var quantized = spec
        quantized.compile.quantize = QuantizeSpec(kind: .int8)
        let plain = try CompileDriver.compile(spec: spec)
        let plan = try CompileDriver.compile(spec: quantized)
        #expect(plain.int8 == nil)
        let int8 = try #require(plan.int8)
        #expect(int8.layers.count == 8)
        #expect(try Self.json(plan.inference) == Self.json(plain.inference))
        #expect(try Self.json(try #require(plan.training)) == Self.json(try #require(plain.training)))
        #expect(try Self.json(try #require(plan.update)) == Self.json(try #require(plain.update)))
        // Without quantization the payload has no int8 key at all.
        #expect(!String(decoding: try Self.json(plain), as: UTF8.self).contains("\"int8\""))
    }

    @Test func autodiffRefusesAnInt8Layer() throws {
        let (spec, plan) = try Self.compiled()
        var g = try ProgramBuilder.quantizedProgram(spec, plan: plan).graph
        let logits = try #require(g.outputs["logits.intent"])
        g.outputs["loss"] = logits
        var context = PassContext(mode: .training)
        #expect {
            try AutodiffPass().run(&g, &context)
        } throws: { error in
            "\(error)" == "[int8Linear] backbone.layers[0].attention.qkv.int8: cannot differentiate: inference-only op in a graph to differentiate"
        }
    }

    @Test func shapeRuleChecksArityPerEpilogue() throws {
        var g = Graph(maxBatch: 2, maxSeq: 3)
        let x = try g.addParam(ParamEntry(path: "x", shape: [5, 8], checkpointName: nil, initializer: .zeros))
        let w = try g.addParam(ParamEntry(path: "w", shape: [6, 8], checkpointName: nil, initializer: .zeros))
        let b = try g.addParam(ParamEntry(path: "b", shape: [6], checkpointName: nil, initializer: .zeros))
        let y = try g.add(.int8Linear, [x, w, b], attrs: .int8Linear(epilogue: .biasGelu), name: "y")
        #expect(g[y].shape == Shape(.const(5), .const(6)))
        #expect(throws: GraphError.self) { try g.add(.int8Linear, [x, w, b], attrs: .int8Linear(epilogue: .none), name: "z") }
        #expect(throws: GraphError.self) { try g.add(.int8Linear, [x, w], attrs: .int8Linear(epilogue: .bias), name: "z") }
        #expect(throws: GraphError.self) { try g.add(.int8Linear, [w, x, b], attrs: .int8Linear(epilogue: .bias), name: "z") }
        #expect(throws: GraphError.self) { try g.add(.int8Linear, [x, w], attrs: .matmul(transB: true), name: "z") }
    }
}
