/// How far a central difference may sit from the analytic gradient: 1 % relative, plus the
/// float32 rounding noise of the difference itself and nothing more. The checked loss is a
/// float32 computation whose terms add up to `magnitude` in absolute value; each evaluation
/// carries rounding error of a few ulps of that, and dividing the difference of two
/// evaluations by 2h magnifies it. (The checks once allowed an absolute 0.02 on every element,
/// which hid errors of that size in gradients that are themselves around 0.01–0.1.)
public struct FiniteDifferenceTolerance: Sendable {
    public static let step: Float = 1e-2
    public static let relative = 1e-2
    public let noise: Double

    /// `ulps`: rounding error of one loss evaluation, in ulps of `magnitude`.
    public init(magnitude: Double, ulps: Double = 16) {
        noise = ulps * Double(Float.ulpOfOne) * max(magnitude, 1e-3) / (2 * Double(Self.step))
    }

    public func allowed(_ numeric: Double, _ analytic: Double) -> Double {
        Self.relative * max(abs(numeric), abs(analytic)) + noise
    }

    public func accepts(numeric: Double, analytic: Double) -> Bool {
        abs(numeric - analytic) <= allowed(numeric, analytic)
    }
}
