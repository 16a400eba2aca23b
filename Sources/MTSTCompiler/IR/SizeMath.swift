/// Overflow-checked size arithmetic. Sizes come from specs and plan files, which anyone can
/// write, so a product that does not fit in an `Int` is reported (nil) rather than trapping or
/// wrapping into a small buffer that a kernel then overruns.
public enum SizeMath {
    public static func multiply(_ a: Int, _ b: Int) -> Int? {
        let (r, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : r
    }

    public static func add(_ a: Int, _ b: Int) -> Int? {
        let (r, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : r
    }

    public static func product<S: Sequence>(_ factors: S) -> Int? where S.Element == Int {
        var r = 1
        for f in factors {
            guard let next = multiply(r, f) else { return nil }
            r = next
        }
        return r
    }

    public static func sum<S: Sequence>(_ terms: S) -> Int? where S.Element == Int {
        var r = 0
        for t in terms {
            guard let next = add(r, t) else { return nil }
            r = next
        }
        return r
    }

    /// `x` rounded up to a multiple of `m` (> 0), for non-negative `x`.
    public static func roundUp(_ x: Int, to m: Int) -> Int? {
        guard let padded = add(x, m - 1) else { return nil }
        return padded / m * m
    }
}
