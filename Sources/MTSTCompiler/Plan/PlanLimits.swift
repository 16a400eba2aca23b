import Foundation

/// The sizes a plan may ask for. Beyond these a plan is refused before anything is allocated:
/// the fixed bounds keep every index a kernel computes inside an `Int32` row offset or an exactly
/// representable float id (2^24), and `maxMemory` bounds what loading it would map.
public struct PlanLimits: Sendable, Equatable {
    /// Bytes the predicted peak may reach; the machine's physical memory by default.
    public var maxMemory: Int

    public static let maxBatch = 1 << 16
    public static let maxSeq = 1 << 16
    /// Token rows of one batch are `Int32` offsets in the packed layout.
    public static let maxTokens = Int(Int32.max)
    /// Ids and labels travel as floats, exact below 2^24.
    public static let maxIndex = 1 << 24
    public static let maxNodes = 1 << 20
    /// Parameter tensors: about 4,000 BERT layers. Spec reading lists them to resolve the
    /// optimizer rules, so this also bounds the compiler's own time and memory.
    public static let maxParams = 1 << 16

    public init(maxMemory: Int = PlanLimits.physicalMemory) {
        self.maxMemory = maxMemory
    }

    public static var physicalMemory: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }

    /// Parses `8G`, `512M`, `64K`, `1.5G` or a plain byte count (binary units).
    public static func parseBytes(_ text: String) -> Int? {
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]
        var digits = Substring(text.uppercased())
        if digits.hasSuffix("IB") { digits = digits.dropLast(2) } else if digits.hasSuffix("B") { digits = digits.dropLast() }
        var scale = 1.0
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits = digits.dropLast()
        }
        guard let value = Double(digits), value.isFinite, value > 0 else { return nil }
        let bytes = value * scale
        guard bytes < Double(Int.max) else { return nil }
        return Int(bytes)
    }

    public static func format(_ bytes: Int) -> String {
        let b = Double(bytes)
        if bytes >= 1 << 30 { return String(format: "%.2f GiB", b / Double(1 << 30)) }
        if bytes >= 1 << 20 { return String(format: "%.1f MiB", b / Double(1 << 20)) }
        return String(format: "%.1f KiB", b / 1024)
    }
}
