/// Bad values of the spec's `distributed:` section (gradient buckets, ZeRO).
extension BadInputTable {
    static let distributedCases: [Case] = [
        Case(kind: .spec, title: "bucket_mb not positive", files: spec(("data:\n", "distributed:\n  bucket_mb: 0\ndata:\n")),
             args: compile, firstLine: "error: spec.yaml:23:14: distributed.bucket_mb: must be > 0, got 0.0",
             fix: "Give the gradient bucket size in MiB, for example 25 (PyTorch DDP's default)."),
        Case(kind: .spec, title: "bucket_mb too large", files: spec(("data:\n", "distributed:\n  bucket_mb: 4096\ndata:\n")),
             args: compile, firstLine: "error: spec.yaml:23:14: distributed.bucket_mb: 4096.0 MiB is too large; at most 1024 (PyTorch DDP uses 25)",
             fix: "Use at most 1024 MiB; buckets of tens of MiB already keep the transport busy."),
        Case(kind: .spec, title: "ZeRO stage not supported", files: spec(("data:\n", "distributed:\n  zero: 2\ndata:\n")),
             args: compile, firstLine: "error: spec.yaml:23:9: distributed.zero: ZeRO stage 2 is not supported; use 0 (off) or 1 (optimizer state sharded across ranks)",
             fix: "Use `zero: 1` to shard the optimizer state, or leave it out."),
    ]
}
