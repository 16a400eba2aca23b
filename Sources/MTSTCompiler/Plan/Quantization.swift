import MTSTKernels

/// The quantized inference program of a plan compiled with `compile.quantize` (plan format 6),
/// beside the fp32 `inference` program it was measured against, and what the guard decided.
public struct QuantizedInference: Codable, Sendable {
    public var program: Program
    public var report: QuantizationReport

    public init(program: Program, report: QuantizationReport) {
        self.program = program
        self.report = report
    }

    /// The int8 layers in schedule order, read from the program itself (the nodes are the record).
    public var layers: [QuantizedLayer] { Self.layers(in: program) }

    public static func layers(in program: Program) -> [QuantizedLayer] {
        let g = program.graph
        return g.nodes.compactMap { node in
            guard node.kind == .int8Linear, let epilogue = node.attrs.int8Epilogue,
                  let p = g[node.inputs[1].node].attrs.param else { return nil }
            let weight = g.params[p]
            return QuantizedLayer(layer: QuantizePass.layerName(weight.path), node: node.name, weight: weight.path,
                                  block: weight.layer, epilogue: epilogue)
        }
    }
}

/// One linear layer of the quantized program.
public struct QuantizedLayer: Sendable, Equatable {
    /// `backbone.layers[3].attention.qkv`.
    public var layer: String
    public var node: String
    /// The weight parameter's path.
    public var weight: String
    /// The backbone layer (transformer block) it belongs to.
    public var block: Int?
    public var epilogue: Int8Epilogue
}

/// What `compile` measured and decided: the threshold, the layers kept in fp32 and why, and
/// the final comparison of int8 with fp32 on the calibration sentences.
public struct QuantizationReport: Codable, Sendable, Equatable {
    public var kind: QuantizeSpec.Kind
    /// The worst cosine the guard had to reach (`compile.quantize.min_cosine`).
    public var minCosine: Double
    /// Linear layers left in fp32, in the order the guard gave them up (most sensitive first).
    public var fallbacks: [LayerFallback]
    /// The comparison with every eligible layer quantized, before any fallback.
    public var initial: CosineStats
    /// The comparison of the program in the plan.
    public var final: CosineStats
    /// Where the calibration sentences came from and how many were used.
    public var calibration: String
    public var sentences: Int
    /// Each head's metrics in both precisions, when the calibration sentences have labels.
    public var heads: [HeadComparison]

    public init(kind: QuantizeSpec.Kind, minCosine: Double, fallbacks: [LayerFallback], initial: CosineStats, final: CosineStats,
                calibration: String, sentences: Int, heads: [HeadComparison]) {
        self.kind = kind
        self.minCosine = minCosine
        self.fallbacks = fallbacks
        self.initial = initial
        self.final = final
        self.calibration = calibration
        self.sentences = sentences
        self.heads = heads
    }
}

/// Cosine similarity of int8 to fp32 sentence embeddings over the calibration sentences.
public struct CosineStats: Codable, Sendable, Equatable {
    public var worst: Double
    public var mean: Double
    /// Index of the sentence with the worst cosine.
    public var worstSentence: Int

    public init(worst: Double, mean: Double, worstSentence: Int) {
        self.worst = worst
        self.mean = mean
        self.worstSentence = worstSentence
    }
}

/// A layer the guard kept in fp32: its worst cosine when it alone is quantized, and why.
public struct LayerFallback: Codable, Sendable, Equatable {
    public var layer: String
    /// Worst cosine with only this layer in int8.
    public var aloneWorstCosine: Double
    public var reason: String

    public init(layer: String, aloneWorstCosine: Double, reason: String) {
        self.layer = layer
        self.aloneWorstCosine = aloneWorstCosine
        self.reason = reason
    }
}

/// One metric of one head, in fp32 and in the final int8 program (fractions in [0, 1]).
public struct HeadComparison: Codable, Sendable, Equatable {
    public var head: String
    /// `accuracy`, `macro_f1`, `slot_f1`, `retrieval_acc@1`.
    public var metric: String
    public var fp32: Double
    public var int8: Double

    public init(head: String, metric: String, fp32: Double, int8: Double) {
        self.head = head
        self.metric = metric
        self.fp32 = fp32
        self.int8 = int8
    }
}
