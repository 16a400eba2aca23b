import MTSTKernels

/// Everything a kernel needs for one node on one batch. The executor builds the pointer arrays
/// once per plan; per run only the batch layout and `seed` change, so no allocation happens per op.
///
/// Token rows are padded (`starts` nil: sentence b at rows b·seq ..< (b+1)·seq) or packed
/// (`starts[b] ..< starts[b+1]`, `tokens` rows in all): token dims (`B·T`) then size to `tokens`
/// and every GEMM, norm and activation skips the padding; only the ops that see sentence
/// boundaries (attention, pooling) read `starts`.
public struct KernelArgs {
    public let node: Node
    public let inputShapes: [Shape]
    public let inputs: [UnsafeMutablePointer<Float>]
    public let output: UnsafeMutablePointer<Float>
    /// Outputs 1, 2, … of a multi-output op (LayerNorm's statistics).
    public let extraOutputs: [UnsafeMutablePointer<Float>]
    public let batch: Int
    public let seq: Int
    /// Token rows: `batch·seq` when padded, the real token count when packed.
    public let tokens: Int
    /// Packed layout: `batch + 1` row offsets of the sentences; nil when padded.
    public let starts: UnsafePointer<Int32>?
    /// Seed of this step, mixed with a dropout site's stream id.
    public let seed: UInt64
    /// This rank's place in the global batch under data parallelism; nil: the batch is global.
    public let shard: ShardLayout?
    /// For a loss that is a mean over labelled rows or sentences (and its gradients): the count
    /// to divide by, that of the global batch, instead of the local one; nil: count locally.
    public let lossDenominator: Int?
    /// The gradient all-reduce the communication nodes start and wait for; nil outside training.
    public let gradientSync: GradientSync?

    /// `int8Linear`: its packed weights and the executor's quantization scratch.
    public let int8: Int8Operands?

    public init(node: Node, inputShapes: [Shape], inputs: [UnsafeMutablePointer<Float>],
                output: UnsafeMutablePointer<Float>, extraOutputs: [UnsafeMutablePointer<Float>] = [], batch: Int, seq: Int, tokens: Int? = nil,
                starts: UnsafePointer<Int32>? = nil, seed: UInt64, shard: ShardLayout? = nil, lossDenominator: Int? = nil,
                int8: Int8Operands? = nil, gradientSync: GradientSync? = nil) {
        self.node = node
        self.inputShapes = inputShapes
        self.inputs = inputs
        self.output = output
        self.extraOutputs = extraOutputs
        self.batch = batch
        self.seq = seq
        self.tokens = tokens ?? batch * seq
        self.starts = starts
        self.seed = seed
        self.shard = shard
        self.lossDenominator = lossDenominator
        self.int8 = int8
        self.gradientSync = gradientSync
    }

    public var attrs: Attributes { node.attrs }
    /// The node adds into a parameter's gradient buffer (`output`) instead of overwriting it.
    public var accumulates: Bool { node.accumulatesInto != nil }
    /// The op's own attribute payload; `Graph.inferShape` (run by the compiler and the plan
    /// verifier) has checked the node carries it.
    @inline(__always)
    public func attr<T>(_ field: Swift.KeyPath<Attributes, T?>) -> T {
        guard let value = node.attrs[keyPath: field] else { preconditionFailure("verified plan: \(node.kind) without its attributes") }
        return value
    }
    public func input(_ i: Int) -> UnsafePointer<Float> { UnsafePointer(inputs[i]) }
    public func dim(_ input: Int, _ axis: Int) -> Int { inputShapes[input][axis].value(batch: batch, seq: seq, tokens: tokens) }
    public func count(_ input: Int) -> Int { inputShapes[input].elementCount(batch: batch, seq: seq, tokens: tokens) }
    public func rows(_ input: Int) -> Int { inputShapes[input].rows(batch: batch, seq: seq, tokens: tokens) }
    public func cols(_ input: Int) -> Int { inputShapes[input].last?.value(batch: batch, seq: seq, tokens: tokens) ?? 0 }
    public var outputCount: Int { node.shape.elementCount(batch: batch, seq: seq, tokens: tokens) }
    public var outputCols: Int { node.shape.last?.value(batch: batch, seq: seq, tokens: tokens) ?? 0 }
    public var outputRows: Int { node.shape.rows(batch: batch, seq: seq, tokens: tokens) }
    /// Dropout seed for this node's site.
    public var dropoutSeed: UInt64 { seed &* 0x9E37_79B9_7F4A_7C15 &+ attr(\.dropout).stream &* 0xBF58_476D_1CE4_E5B9 }
}
