/// A named graph-to-graph rewrite. The pipeline runs passes in a fixed order; `--dump-after NAME`
/// prints the graph after any of them.
public protocol Pass: Sendable {
    var name: String { get }
    func run(_ graph: inout Graph, _ context: inout PassContext) throws
}

/// What passes share: the mode being compiled and the statistics the compile summary prints.
public struct PassContext: Sendable {
    public var mode: Lowering.Mode
    /// Fusions applied, by kind (`qkv`, `bias_gelu`, `skip_layernorm`, `linear`).
    public var fusions: [String: Int] = [:]
    public var opsBeforeFusion = 0
    public var backwardOps = 0
    public var arena: ArenaLayout?
    /// A gradual-unfreezing phase's first epoch: autodiff builds gradients only toward the
    /// parameters that train in that epoch (`ParamSetting.trains(inEpoch:)`). nil: every
    /// parameter that ever trains (the full training program).
    public var phaseEpoch: Int?
    /// The gradient buckets' size in bytes (`GradientBucketPass`) and how many it made.
    public var bucketBytes = DistributedConfig.defaultBucketBytes
    public var buckets = 0

    public init(mode: Lowering.Mode) { self.mode = mode }

    mutating func count(_ fusion: String) { fusions[fusion, default: 0] += 1 }
}
