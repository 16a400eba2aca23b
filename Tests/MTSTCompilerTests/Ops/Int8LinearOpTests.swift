import Foundation
import Testing
import MTSTKernels
@testable import MTSTCompiler
@testable import MTSTRuntime

/// `int8Linear` is inference-only, so instead of a finite-difference check it is tested against
/// references: through the executor (weights packed from the parameter store, the workspace,
/// each epilogue) against `Kernels.int8LinearReference` on the same values, and against the
/// fp32 linear within the error int8 rounding allows.
@Suite struct Int8LinearOpTests {
    static let (rows, inputs, outputs) = (7, 24, 10)

    struct Case {
        var store: ParamStore
        var executor: Executor
        var x: [Float], w: [Float], b: [Float]
    }

    static func make(_ epilogue: Int8Epilogue, seed: UInt64 = 5) throws -> Case {
        var g = Graph(maxBatch: 1, maxSeq: 1)
        let x = try g.addParam(ParamEntry(path: "x", shape: [rows, inputs], checkpointName: nil, initializer: .zeros))
        let w = try g.addParam(ParamEntry(path: "w", shape: [outputs, inputs], checkpointName: nil, initializer: .zeros))
        let b = try g.addParam(ParamEntry(path: "b", shape: [outputs], checkpointName: nil, initializer: .zeros))
        let y = try g.add(.int8Linear, epilogue == .none ? [x, w] : [x, w, b], attrs: .int8Linear(epilogue: epilogue), name: "y")
        g.outputs["y"] = y
        let context = try Pipeline.run(&g, mode: .inference, passes: [ShapeCheckPass(), SchedulePass(), ArenaPlanPass()])
        let program = Program(graph: g, arena: try #require(context.arena))
        let store = try ParamStore(params: g.params)
        var rng = SplitMix64(seed: seed)
        func values(_ n: Int, _ scale: Float) -> [Float] { (0..<n).map { _ in Float(rng.nextGaussian()) * scale } }
        let c = Case(store: store, executor: Executor(program: program, store: store, arena: try AlignedBuffer(count: program.arena.bytes / 4 + 16)),
                     x: values(rows * inputs, 2), w: values(outputs * inputs, 0.3), b: values(outputs, 1))
        set(c, c.x, c.w, c.b)
        try c.executor.setShape(batch: 1, seq: 1)
        return c
    }

    static func set(_ c: Case, _ x: [Float], _ w: [Float], _ b: [Float]) {
        for (i, v) in [x, w, b].enumerated() { v.withUnsafeBufferPointer { c.store.pointer(i).update(from: $0.baseAddress!, count: v.count) } }
        c.store.valuesChanged()
    }

    static func reference(_ c: Case, _ epilogue: Int8Epilogue, w: [Float]? = nil) -> [Float] {
        let packed = (w ?? c.w).withUnsafeBufferPointer { Int8PackedWeights(weights: $0.baseAddress!, outputs: outputs, inputs: inputs) }
        var out = [Float](repeating: 0, count: rows * outputs)
        c.x.withUnsafeBufferPointer { x in
            c.b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    Kernels.int8LinearReference(x.baseAddress!, rows: rows, ldx: inputs, weights: packed, bias: epilogue == .none ? nil : b.baseAddress!,
                                                epilogue: epilogue, output: o.baseAddress!, ldo: outputs, workspace: Int8Workspace())
                }
            }
        }
        return out
    }

    static func fp32(_ c: Case, _ epilogue: Int8Epilogue) -> [Float] {
        var out = [Float](repeating: 0, count: rows * outputs)
        for i in 0..<rows {
            for j in 0..<outputs {
                var s = epilogue == .none ? 0 : c.b[j]
                for k in 0..<inputs { s += c.x[i * inputs + k] * c.w[j * inputs + k] }
                out[i * outputs + j] = epilogue == .biasGelu ? 0.5 * s * (1 + Float(erf(Double(s) / 2.0.squareRoot()))) : s
            }
        }
        return out
    }

    @Test(arguments: Int8Epilogue.allCases)
    func matchesTheReferenceKernelAndFP32(_ epilogue: Int8Epilogue) throws {
        let c = try Self.make(epilogue)
        c.executor.run()
        let y = Array(try c.executor.output("y"))
        let reference = Self.reference(c, epilogue)
        let exact = Self.fp32(c, epilogue)
        for i in y.indices {
            #expect(abs(y[i] - reference[i]) <= 1e-4 * max(1, abs(reference[i])), "\(i): \(y[i]) vs reference \(reference[i])")
            // 8-bit activations (per row) and weights (per channel): within 10 % of the outputs'
            // standard deviation (2 · 0.3 · √24 ≈ 2.9), several times the expected rounding error.
            #expect(abs(y[i] - exact[i]) <= 0.1 * 2 * 0.3 * Float(Self.inputs).squareRoot(), "\(i): \(y[i]) vs fp32 \(exact[i])")
        }
        #expect(y != exact, "int8 arithmetic gave the fp32 result bit for bit: is the op quantizing at all?")
    }

    /// Weights written after the first run are packed again before the next.
    @Test func repacksAfterTheStoreChanges() throws {
        let c = try Self.make(.bias)
        c.executor.run()
        let before = Array(try c.executor.output("y"))
        let doubled = c.w.map { $0 * 2 }
        Self.set(c, c.x, doubled, c.b)
        c.executor.run()
        let after = Array(try c.executor.output("y"))
        let reference = Self.reference(c, .bias, w: doubled)
        #expect(after != before)
        for i in after.indices { #expect(abs(after[i] - reference[i]) <= 1e-4 * max(1, abs(reference[i]))) }
    }
}
