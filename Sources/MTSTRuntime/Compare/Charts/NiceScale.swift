import Foundation

/// A linear axis: a data interval widened to round tick values (1, 2 or 5 × 10^k apart, about
/// `targetTicks` of them) and mapped onto a pixel interval. Charts place every mark through
/// `position`, so a test can check that a point lands where the scale says.
public struct NiceScale: Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    public var step: Double
    /// Pixel coordinates of `lower` and `upper` (for a y axis `from` is the bottom edge).
    public var from: Double
    public var to: Double

    /// The scale for `values` (non-finite ones ignored). No finite value gives 0…1; one value,
    /// or all equal, a unit-wide interval around it.
    /// `integer`: ticks at whole numbers only (epochs).
    public init(values: [Double], from: Double, to: Double, targetTicks: Int = 5, integer: Bool = false) {
        let finite = values.filter(\.isFinite)
        var lo = finite.min() ?? 0
        var hi = finite.max() ?? 1
        if hi - lo < 1e-12 * max(1, abs(lo)) {
            let pad = max(abs(lo) * 0.05, 0.5)
            lo -= pad
            hi += pad
        }
        var step = Self.niceStep((hi - lo) / Double(max(targetTicks - 1, 1)))
        if integer { step = max(1, step.rounded(.up)) }
        self.step = step
        lower = (lo / step).rounded(.down) * step
        upper = (hi / step).rounded(.up) * step
        self.from = from
        self.to = to
    }

    /// The smallest of 1, 2, 5 × 10^k that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let power = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * power >= raw * (1 - 1e-9) { return m * power }
        return 10 * power
    }

    public func position(_ value: Double) -> Double {
        from + (value - lower) / (upper - lower) * (to - from)
    }

    /// The tick values from `lower` to `upper`, computed from integer multiples so they print cleanly.
    public var ticks: [Double] {
        let first = Int((lower / step).rounded()), last = Int((upper / step).rounded())
        return (first...max(first, last)).map { Double($0) * step }
    }

    /// Digits after the point that tell the ticks apart.
    public var decimals: Int { max(0, Int(-log10(step).rounded(.down))) }

    public func label(_ value: Double) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return text == "-" + String(format: "%.\(decimals)f", 0.0) ? String(text.dropFirst()) : text
    }
}
