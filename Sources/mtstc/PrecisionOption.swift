import ArgumentParser
import MTSTRuntime

extension Precision: ExpressibleByArgument {}

/// `--precision`: which inference program of a plan runs (int8 only when compiled with quantization).
struct PrecisionOption: ParsableArguments {
    @Option(help: "Inference program to run: fp32 or int8 (default: int8 when the plan was compiled with --quantize int8, else fp32).")
    var precision: Precision?

    /// Applies the choice to a loaded model; int8 on a plan without it is an error naming the plan.
    func apply(to model: Model) throws {
        if let precision { try model.use(precision) }
    }
}
