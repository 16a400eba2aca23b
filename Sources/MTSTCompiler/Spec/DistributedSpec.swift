/// `distributed:`: how data-parallel training communicates. Only matters under `mpirun`; a
/// one-process run compiles the same nodes and they do nothing.
public struct DistributedSpec: Sendable, Equatable {
    /// `bucket_mb`: gradient bucket size in MiB (PyTorch DDP's default, 25).
    public var bucketMB: Double = DistributedConfig.defaultBucketMB
    /// `zero`: 0 (every rank keeps the whole optimizer state) or 1 (ZeRO stage 1: each rank keeps
    /// and updates the optimizer state of its own slice of the parameters).
    public var zero: Int = 0

    static let keys = ["bucket_mb", "zero"]
    /// Past this a bucket is one message of more floats than MPI's 32-bit counts comfortably take.
    static let maxBucketMB = 1024.0

    public init() {}

    static func decode(_ field: Field?) throws(SpecError) -> DistributedSpec {
        var spec = DistributedSpec()
        guard let field, !field.isNull else { return spec }
        let map = try field.map(allowed: keys)
        if let f = map.optional("bucket_mb") {
            spec.bucketMB = try f.positiveDouble()
            guard spec.bucketMB <= maxBucketMB else {
                throw f.bad("\(spec.bucketMB) MiB is too large; at most \(Int(maxBucketMB)) (PyTorch DDP uses 25)")
            }
            guard spec.bucketMB * 1024 * 1024 >= 4 else { throw f.bad("\(spec.bucketMB) MiB is smaller than one float") }
        }
        if let f = map.optional("zero") {
            let stage = try f.int()
            guard stage == 0 || stage == 1 else {
                throw f.bad("ZeRO stage \(stage) is not supported; use 0 (off) or 1 (optimizer state sharded across ranks)")
            }
            spec.zero = stage
        }
        return spec
    }

    public var config: DistributedConfig { DistributedConfig(bucketMB: bucketMB, zero: zero) }
}
