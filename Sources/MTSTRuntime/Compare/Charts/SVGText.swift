/// Text inside SVG/HTML: the five XML special characters escaped, and control characters (which
/// XML 1.0 forbids even escaped) dropped, so a head or spec name can never break the document.
public enum SVGText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out += " "
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate with two decimals, never "-0.00" or "nan".
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let r = (x * 100).rounded() / 100
        return r == 0 ? "0" : (r == r.rounded() ? String(Int(r)) : String(format: "%.2f", r))
    }
}
