/// What the optimizer does with one parameter, after all of the spec's rules are applied.
/// `ParamRules.resolve` makes one per parameter when the spec is read; the compiler copies it
/// onto the parameter's `ParamEntry` and the plan carries it unchanged to the runtime, which is
/// the only place that reads it to drive the optimizer.
public struct ParamSetting: Sendable, Codable, Equatable, Hashable {
    /// Never trains: no gradient is computed for it and it has no optimizer state.
    public var frozen: Bool
    /// Peak learning rate (the schedule multiplies it).
    public var lr: Double
    public var weightDecay: Double
    /// First epoch (0-based) in which it trains; 0 = from the start (gradual unfreezing).
    public var trainFromEpoch: Int
    /// Human label for reports, e.g. `layers[4-7] gradual`.
    public var group: String

    public init(frozen: Bool = false, lr: Double = 0, weightDecay: Double = 0, trainFromEpoch: Int = 0, group: String = "") {
        self.frozen = frozen
        self.lr = lr
        self.weightDecay = weightDecay
        self.trainFromEpoch = trainFromEpoch
        self.group = group
    }

    /// Trains at some point of the run (it needs a gradient in the training graph).
    public var trains: Bool { !frozen }

    public func trains(inEpoch epoch: Int) -> Bool {
        !frozen && epoch >= trainFromEpoch
    }
}
