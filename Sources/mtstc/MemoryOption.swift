import ArgumentParser
import MTSTCompiler

/// `--max-memory`: the most memory a plan may be predicted to need, checked before anything is allocated.
struct MemoryOption: ParsableArguments {
    @Option(name: .customLong("max-memory"),
            help: "Refuse what is predicted to need more memory than this: bytes, or with K, M, G, T (default: physical RAM).")
    var maxMemory: String?

    func validate() throws {
        if let maxMemory, PlanLimits.parseBytes(maxMemory) == nil {
            throw ValidationError("--max-memory expects a size such as 8G, 512M or a byte count, got '\(maxMemory)'")
        }
    }

    var limits: PlanLimits {
        PlanLimits(maxMemory: maxMemory.flatMap(PlanLimits.parseBytes) ?? PlanLimits.physicalMemory)
    }
}
