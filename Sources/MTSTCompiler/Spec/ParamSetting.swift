/// What the optimizer does with one parameter, after all rules are applied.
public struct ParamSetting: Sendable, Codable, Equatable {
    public var path: String
    /// Peak learning rate (the schedule multiplies it).
    public var lr: Double
    public var weightDecay: Double
    /// Never trains: no gradient is computed for it.
    public var frozen: Bool
    /// First epoch (0-based) in which it trains; 0 = from the start.
    public var trainFromEpoch: Int
    /// Human label for the compile printout, e.g. `layers[4-7] gradual`.
    public var group: String

    public init(path: String, lr: Double, weightDecay: Double, frozen: Bool, trainFromEpoch: Int, group: String) {
        self.path = path
        self.lr = lr
        self.weightDecay = weightDecay
        self.frozen = frozen
        self.trainFromEpoch = trainFromEpoch
        self.group = group
    }

    public func trains(inEpoch epoch: Int) -> Bool {
        !frozen && epoch >= trainFromEpoch
    }
}

/// One row of the compile printout: parameters that share a label and a training schedule.
public struct GroupSummary: Sendable, Codable, Equatable {
    public var group: String
    public var paramCount: Int
    public var elementCount: Int
    public var lr: ClosedRange<Double>
    public var weightDecay: ClosedRange<Double>
    public var trainFromEpoch: Int
    public var frozen: Bool
}
