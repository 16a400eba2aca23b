/// The spec's `distributed:` section as the plan keeps it: the bucket size the training
/// programs' communication nodes were grouped by, and whether the optimizer state is sharded
/// across ranks (ZeRO stage 1), which the runtime decides per rank count at load.
public struct DistributedConfig: Codable, Sendable, Equatable {
    public static let defaultBucketMB = 25.0
    public static let defaultBucketBytes = Int(defaultBucketMB * 1024 * 1024)

    public var bucketMB: Double
    public var zero: Int

    public init(bucketMB: Double = defaultBucketMB, zero: Int = 0) {
        self.bucketMB = bucketMB
        self.zero = zero
    }

    public var bucketBytes: Int { max(4, Int(bucketMB * 1024 * 1024)) }
}
