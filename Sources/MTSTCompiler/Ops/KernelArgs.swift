/// Everything a kernel needs for one node on one batch. The executor builds the pointer arrays
/// once per plan; per run only `batch`, `seq` and `seed` change, so no allocation happens per op.
public struct KernelArgs {
    public let node: Node
    public let inputShapes: [Shape]
    public let inputs: [UnsafeMutablePointer<Float>]
    public let output: UnsafeMutablePointer<Float>
    public let batch: Int
    public let seq: Int
    /// Seed of this step, mixed with a dropout site's stream id.
    public let seed: UInt64

    public init(node: Node, inputShapes: [Shape], inputs: [UnsafeMutablePointer<Float>],
                output: UnsafeMutablePointer<Float>, batch: Int, seq: Int, seed: UInt64) {
        self.node = node
        self.inputShapes = inputShapes
        self.inputs = inputs
        self.output = output
        self.batch = batch
        self.seq = seq
        self.seed = seed
    }

    public var attrs: Attributes { node.attrs }
    public func input(_ i: Int) -> UnsafePointer<Float> { UnsafePointer(inputs[i]) }
    public func dim(_ input: Int, _ axis: Int) -> Int { inputShapes[input][axis].value(batch: batch, seq: seq) }
    public func count(_ input: Int) -> Int { inputShapes[input].elementCount(batch: batch, seq: seq) }
    public func rows(_ input: Int) -> Int { inputShapes[input].rows(batch: batch, seq: seq) }
    public func cols(_ input: Int) -> Int { inputShapes[input].last?.value(batch: batch, seq: seq) ?? 0 }
    public var outputCount: Int { node.shape.elementCount(batch: batch, seq: seq) }
    public var outputCols: Int { node.shape.last?.value(batch: batch, seq: seq) ?? 0 }
    public var outputRows: Int { node.shape.rows(batch: batch, seq: seq) }
    /// Dropout seed for this node's site.
    public var dropoutSeed: UInt64 { seed &* 0x9E37_79B9_7F4A_7C15 &+ attrs.stream &* 0xBF58_476D_1CE4_E5B9 }
}
