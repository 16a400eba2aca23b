/// A glob over parameter paths such as `backbone.layers[4-7].*`.
///
/// `*` matches any run of characters (dots included), `?` one character, `[a-b]` a bracketed
/// index `[n]` with a ≤ n ≤ b, `[n]` exactly n, `[*]` any index; everything else is literal.
/// Brackets always mean an index, so `layers[1]` can never accidentally act as a character class.
public struct ParamPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    private let tokens: [Token]

    private enum Token: Hashable, Sendable {
        case literal(UInt8)
        case anyRun
        case anyOne
        case index(ClosedRange<Int>?)
    }

    /// Throws a message (without position) when the text is not a valid pattern; the spec
    /// decoder turns it into a `SpecError.badPattern` at the pattern's location.
    public init(_ text: String) throws(ParamPatternError) {
        self.text = text
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw ParamPatternError("a pattern cannot be empty") }
        var tokens: [Token] = []
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "*"):
                if tokens.last != .anyRun { tokens.append(.anyRun) }
            case UInt8(ascii: "?"):
                tokens.append(.anyOne)
            case UInt8(ascii: "]"):
                throw ParamPatternError("']' at offset \(i) has no matching '['")
            case UInt8(ascii: "["):
                guard let close = bytes[i...].firstIndex(of: UInt8(ascii: "]")) else {
                    throw ParamPatternError("'[' at offset \(i) is never closed")
                }
                let inside = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
                tokens.append(.index(try Self.indexRange(inside)))
                i = close
            default:
                tokens.append(.literal(bytes[i]))
            }
            i += 1
        }
        self.tokens = tokens
    }

    private static func indexRange(_ inside: String) throws(ParamPatternError) -> ClosedRange<Int>? {
        if inside == "*" { return nil }
        let parts = inside.split(separator: "-", omittingEmptySubsequences: false)
        let numbers = parts.compactMap { part -> Int? in
            part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) ? Int(part) : nil
        }
        guard (parts.count == 1 || parts.count == 2), numbers.count == parts.count else {
            throw ParamPatternError("'[\(inside)]' is not an index: use [n], [a-b] or [*]")
        }
        let low = numbers[0], high = numbers[numbers.count - 1]
        guard low <= high else { throw ParamPatternError("range [\(inside)] is empty (\(low) > \(high))") }
        return low...high
    }

    public var description: String { text }

    /// The bounded index ranges the pattern names (`[4-7]` → 4...7, `[3]` → 3...3; `[*]` is
    /// unbounded and left out), so a rule can be checked against the model's layer count.
    public var indexRanges: [ClosedRange<Int>] {
        tokens.compactMap { if case .index(let range) = $0 { return range } else { return nil } }
    }

    public static func == (a: ParamPattern, b: ParamPattern) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    public func matches(_ path: String) -> Bool {
        let subject = Array(path.utf8)
        // Memoised on (token, byte) so runs of `*` stay linear in practice.
        var failed = Set<Int>()
        func match(_ t: Int, _ s: Int) -> Bool {
            if t == tokens.count { return s == subject.count }
            let key = t * (subject.count + 1) + s
            if failed.contains(key) { return false }
            let result: Bool
            switch tokens[t] {
            case .literal(let byte):
                result = s < subject.count && subject[s] == byte && match(t + 1, s + 1)
            case .anyOne:
                result = s < subject.count && match(t + 1, s + 1)
            case .anyRun:
                result = (s...subject.count).contains { match(t + 1, $0) }
            case .index(let range):
                if let (value, next) = Self.bracketedIndex(subject, at: s) {
                    result = (range?.contains(value) ?? true) && match(t + 1, next)
                } else {
                    result = false
                }
            }
            if !result { failed.insert(key) }
            return result
        }
        return match(0, 0)
    }

    /// Reads `[n]` at `start`, returning n and the position after `]`.
    private static func bracketedIndex(_ bytes: [UInt8], at start: Int) -> (Int, Int)? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "[") else { return nil }
        var i = start + 1
        var value = 0
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            value = value &* 10 &+ Int(bytes[i] - UInt8(ascii: "0"))
            i += 1
        }
        guard i > start + 1, i < bytes.count, bytes[i] == UInt8(ascii: "]") else { return nil }
        return (value, i + 1)
    }
}

public struct ParamPatternError: Error, Sendable, Equatable {
    public let message: String
    init(_ message: String) { self.message = message }
}
