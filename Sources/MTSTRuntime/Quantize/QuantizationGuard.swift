import Foundation
import MTSTCompiler

/// The accuracy guard `compile` runs on every quantized plan. It embeds the calibration
/// sentences with the fp32 inference program and with the int8 one (every backbone linear layer
/// quantized) and compares them by cosine. When the worst cosine is below the threshold, it
/// measures each layer's sensitivity (the worst cosine with that layer alone in int8), then keeps
/// the most sensitive layers in fp32, one at a time, until the threshold holds; with every layer
/// back in fp32 the program is the fp32 one and the threshold holds trivially. The final
/// program's head metrics are compared with fp32's when the calibration sentences have labels.
public struct QuantizationGuard {
    public let spec: Spec
    public let plan: Plan
    public let model: Model
    public let settings: QuantizeSpec
    /// Progress lines (stderr in the CLI): the guard can run the model dozens of times.
    public var log: (String) -> Void = { _ in }
    /// Options for the first (all-int8) program only, so `--dump-after quantize` prints once.
    public var compilerOptions = Compiler.Options()

    public init(spec: Spec, plan: Plan, model: Model, settings: QuantizeSpec) {
        self.spec = spec
        self.plan = plan
        self.model = model
        self.settings = settings
    }

    struct Measurement {
        var program: Program
        var stats: CosineStats
        var executor: Executor
    }

    public func run(_ calibration: CalibrationSet) throws -> QuantizedInference {
        let reference = try model.embed(calibration.texts, on: model.inference)
        var options = compilerOptions
        func measure(_ keep: Set<String>) throws -> Measurement {
            let program = try ProgramBuilder.quantizedProgram(spec, plan: plan, keepFP32: keep, options: options)
            options = Compiler.Options(limits: options.limits)
            let arena = program.arena.bytes <= model.arena.count * MemoryLayout<Float>.stride
                ? model.arena : try AlignedBuffer(count: (program.arena.bytes + 3) / 4)
            let executor = Executor(program: program, store: model.store, arena: arena)
            let stats = Self.compare(reference, try model.embed(calibration.texts, on: executor))
            return Measurement(program: program, stats: stats, executor: executor)
        }
        let threshold = settings.minCosine
        let all = try measure([])
        let layers = ProgramBuilder.quantizedLayers(all.program)
        log("int8 guard: \(layers.count) linear layers in int8 on \(calibration.texts.count) sentences: worst cosine \(Self.text(all.stats.worst)), mean \(Self.text(all.stats.mean))")
        var final = all
        var fallbacks: [LayerFallback] = []
        if all.stats.worst < threshold {
            var alone: [String: Double] = [:]
            for (i, layer) in layers.enumerated() {
                alone[layer] = try measure(Set(layers).subtracting([layer])).stats.worst
                log("int8 guard: sensitivity \(i + 1)/\(layers.count) \(layer) alone: worst cosine \(Self.text(alone[layer]!))")
            }
            // Most sensitive first; ties in layer order, so the result does not depend on hashing.
            let order = layers.enumerated().sorted { (alone[$0.1]!, $0.0) < (alone[$1.1]!, $1.0) }.map(\.1)
            var keep = Set<String>()
            for layer in order where final.stats.worst < threshold {
                keep.insert(layer)
                fallbacks.append(LayerFallback(
                    layer: layer, aloneWorstCosine: alone[layer]!,
                    reason: "most sensitive layer left (worst cosine \(Self.text(alone[layer]!)) quantized alone) while the program's worst cosine was \(Self.text(final.stats.worst)) < \(threshold)"))
                final = try measure(keep)
                log("int8 guard: \(layer) kept fp32: worst cosine \(Self.text(final.stats.worst))")
            }
        }
        let heads = try compareHeads(calibration, int8: final.executor)
        let report = QuantizationReport(kind: settings.kind, minCosine: threshold, fallbacks: fallbacks, initial: all.stats,
                                        final: final.stats, calibration: calibration.origin, sentences: calibration.texts.count,
                                        heads: heads)
        return QuantizedInference(program: final.program, report: report)
    }

    /// Worst and mean cosine of each int8 embedding to its fp32 one (in Double; identical
    /// vectors give exactly 1, so a program with every layer in fp32 meets any threshold).
    public static func compare(_ fp32: [[Float]], _ int8: [[Float]]) -> CosineStats {
        precondition(fp32.count == int8.count, "one int8 embedding per fp32 one")
        var worst = 1.0, sum = 0.0, worstIndex = 0
        for (i, (a, b)) in zip(fp32, int8).enumerated() {
            let c = cosine(a, b)
            sum += c
            if c < worst { (worst, worstIndex) = (c, i) }
        }
        return CosineStats(worst: worst, mean: fp32.isEmpty ? 1 : sum / Double(fp32.count), worstSentence: worstIndex)
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        if a == b { return 1 }
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        guard na > 0, nb > 0 else { return na == nb ? 1 : 0 }
        return min(1, dot / (na * nb).squareRoot())
    }

    /// Each head's metrics on the labelled calibration sentences, fp32 beside int8.
    func compareHeads(_ calibration: CalibrationSet, int8: Executor) throws -> [HeadComparison] {
        guard !calibration.labelled.isEmpty else { return [] }
        let heads = plan.model.taskHeads
        let encoder = ExampleEncoder(heads: heads, tokenizer: model.tokenizer, maxLength: plan.maxTokens(for: plan.inference))
        var encoded: [EncodedExample] = [], routes: [Route] = []
        for (e, source) in calibration.labelled {
            let r = TrainingData.routing(labelHead: source.labelHead, tagHead: source.tagHead, heads: heads)
            encoded.append(encoder.encode(e, route: r))
            routes.append(Route(label: r.label, tags: r.tags))
        }
        let gold = calibration.labelled.map(\.example)
        func report(_ executor: Executor) throws -> EvaluationReport {
            EvaluationReport.evaluate(heads: heads, gold: gold, routes: routes, predictions: try model.predict(encoded, on: executor))
        }
        let (a, b) = (try report(model.inference), try report(int8))
        var result: [HeadComparison] = []
        for head in heads {
            guard let x = a.heads[head.name], let y = b.heads[head.name] else { continue }
            if let p = x.accuracy, let q = y.accuracy { result.append(HeadComparison(head: head.name, metric: "accuracy", fp32: p.value, int8: q.value)) }
            if let p = x.tags, let q = y.tags { result.append(HeadComparison(head: head.name, metric: "slot_f1", fp32: p.f1, int8: q.f1)) }
        }
        return result
    }

    static func text(_ cosine: Double) -> String { String(format: "%.5f", cosine) }
}
