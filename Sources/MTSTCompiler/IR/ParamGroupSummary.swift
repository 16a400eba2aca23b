import Foundation

/// One optimizer group as `mtstc compile` and `mtstc run` print it: the parameters sharing a
/// rule label, with their lr range, weight decays and the epoch the last of them joins training.
public struct ParamGroupSummary: Sendable {
    public var label: String
    public var tensors = 0
    public var values = 0
    public var lrs: ClosedRange<Double>
    public var weightDecays: Set<Double> = []
    public var trainFromEpoch = 0
    public var frozen: Bool

    public var lrText: String {
        lrs.lowerBound == lrs.upperBound ? String(format: "%.3g", lrs.lowerBound)
            : String(format: "%.3g…%.3g", lrs.lowerBound, lrs.upperBound)
    }
    public var weightDecayText: String { weightDecays.sorted(by: >).map { String(format: "%g", $0) }.joined(separator: "/") }
    public var stateText: String { frozen ? "frozen" : trainFromEpoch > 0 ? "trains from epoch \(trainFromEpoch)" : "trains" }

    /// Groups in first-appearance order over the root parameters (packed QKV counted once).
    public static func groups(_ params: [ParamEntry]) -> [ParamGroupSummary] {
        var order: [String] = []
        var byLabel: [String: ParamGroupSummary] = [:]
        for entry in params where entry.sliceOf == nil {
            let p = entry.setting
            let key = p.group.isEmpty ? "default" : p.group
            var g = byLabel[key] ?? {
                order.append(key)
                return ParamGroupSummary(label: key, lrs: p.lr...p.lr, frozen: p.frozen)
            }()
            g.tensors += 1
            g.values += entry.count
            g.lrs = min(g.lrs.lowerBound, p.lr)...max(g.lrs.upperBound, p.lr)
            g.weightDecays.insert(p.weightDecay)
            g.trainFromEpoch = max(g.trainFromEpoch, p.trainFromEpoch)
            byLabel[key] = g
        }
        return order.compactMap { byLabel[$0] }
    }
}
