import Foundation

/// How the learning rate moves over training: a linear warm-up, then a decay shape.
public struct ScheduleSpec: Sendable, Equatable, Codable {
    public enum Warmup: Sendable, Equatable, Codable {
        /// Fraction of the total number of optimizer steps, 0 ≤ x < 1.
        case fraction(Double)
        case steps(Int)
    }

    public enum Decay: String, Sendable, CaseIterable, Codable {
        /// Linearly to 0 at the last step.
        case linear
        case constant
        /// Half a cosine from the peak to 0.
        case cosine
    }

    public var warmup: Warmup
    public var decay: Decay

    public init(warmup: Warmup, decay: Decay) {
        self.warmup = warmup
        self.decay = decay
    }

    public static let `default` = ScheduleSpec(warmup: .fraction(0), decay: .linear)

    /// Warm-up length in optimizer steps for a run of `totalSteps`.
    public func warmupSteps(totalSteps: Int) -> Int {
        switch warmup {
        case .fraction(let x): return Int((x * Double(totalSteps)).rounded(.down))
        case .steps(let n): return min(n, totalSteps)
        }
    }

    /// Multiplier on each parameter's peak lr for the optimizer step taken after `step` steps
    /// (0-based) of `totalSteps`. Matches Hugging Face's schedulers, which the accuracy
    /// targets were measured with: warm-up starts at 0, linear decay ends at 1/(total − warmup).
    public func factor(step: Int, totalSteps: Int) -> Double {
        let warm = warmupSteps(totalSteps: totalSteps)
        if step < warm { return Double(step) / Double(warm) }
        let span = Double(max(totalSteps - warm, 1))
        switch decay {
        case .constant:
            return 1
        case .linear:
            return max(0, Double(totalSteps - step) / span)
        case .cosine:
            let progress = Double(step - warm) / span
            return max(0, 0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}

extension ScheduleSpec {
    static func decode(_ field: Field) throws(SpecError) -> ScheduleSpec {
        let map = try field.map(allowed: ["warmup", "warmup_steps", "decay"])
        var schedule = ScheduleSpec.default
        switch (map.optional("warmup"), map.optional("warmup_steps")) {
        case (.some, .some(let steps)):
            throw steps.bad("give either warmup (a fraction) or warmup_steps, not both")
        case (.some(let fraction), nil):
            let value = try fraction.double()
            guard value >= 0, value < 1 else {
                throw fraction.bad("is a fraction of the total steps and must be in [0, 1), got \(value); use warmup_steps for a count")
            }
            schedule.warmup = .fraction(value)
        case (nil, .some(let steps)):
            schedule.warmup = .steps(try steps.nonNegativeInt())
        case (nil, nil):
            break
        }
        if let decay = map.optional("decay") {
            schedule.decay = try decay.choice(Decay.self, what: "decay")
        }
        return schedule
    }
}
