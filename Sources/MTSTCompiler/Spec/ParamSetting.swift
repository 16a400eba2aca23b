import Foundation

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

extension GroupSummary {
    /// The compile printout's parameter-group table, one aligned line per row plus a header.
    public static func table(_ rows: [GroupSummary]) -> [String] {
        func number(_ x: Double) -> String { x == 0 ? "0" : "\(x)" }
        func range(_ r: ClosedRange<Double>) -> String {
            r.lowerBound == r.upperBound ? number(r.lowerBound) : "\(number(r.lowerBound))–\(number(r.upperBound))"
        }
        let header = ["group", "params", "elements", "lr", "weight decay", "trains"]
        let body = rows.map { row in
            [row.group, "\(row.paramCount)", "\(row.elementCount)", range(row.lr), range(row.weightDecay),
             row.frozen ? "never (frozen)" : row.trainFromEpoch == 0 ? "from start" : "from epoch \(row.trainFromEpoch)"]
        }
        let all = [header] + body
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { cells in
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
