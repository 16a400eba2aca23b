/// A tensor shape made of symbolic dims. Scalars are `[1]`; "no value" (a node that only has
/// effects, such as a gradient accumulation into a parameter) is `[]`.
public struct Shape: Hashable, Codable, Sendable, CustomStringConvertible {
    public var dims: [Dim]

    public init(_ dims: [Dim]) { self.dims = dims }
    public init(_ dims: Dim...) { self.dims = dims }

    public static let scalar = Shape([.const(1)])
    public static let none = Shape([])

    public var rank: Int { dims.count }
    public var isNone: Bool { dims.isEmpty }
    public var last: Dim? { dims.last }

    public subscript(i: Int) -> Dim { dims[i] }

    public func elementCount(batch: Int, seq: Int, tokens: Int? = nil) -> Int {
        dims.isEmpty ? 0 : dims.reduce(1) { $0 * $1.value(batch: batch, seq: seq, tokens: tokens) }
    }

    /// Element count at the given sizes, nil on overflow or a malformed dim.
    public func checkedElementCount(batch: Int, seq: Int, tokens: Int? = nil) -> Int? {
        guard !dims.isEmpty else { return 0 }
        var n = 1
        for d in dims {
            guard let v = d.checkedValue(batch: batch, seq: seq, tokens: tokens), let next = SizeMath.multiply(n, v) else { return nil }
            n = next
        }
        return n
    }

    /// Float32 bytes at the given sizes, nil on overflow.
    public func checkedBytes(batch: Int, seq: Int, tokens: Int? = nil) -> Int? {
        checkedElementCount(batch: batch, seq: seq, tokens: tokens).flatMap { SizeMath.multiply($0, MemoryLayout<Float>.stride) }
    }

    public func resolved(batch: Int, seq: Int, tokens: Int? = nil) -> [Int] {
        dims.map { $0.value(batch: batch, seq: seq, tokens: tokens) }
    }

    /// Rows when the tensor is viewed as a matrix `[rows, last]`.
    public func rows(batch: Int, seq: Int, tokens: Int? = nil) -> Int {
        guard let last = dims.last else { return 0 }
        let cols = last.value(batch: batch, seq: seq, tokens: tokens)
        return cols == 0 ? 0 : elementCount(batch: batch, seq: seq, tokens: tokens) / cols
    }

    public var description: String { "[" + dims.map(\.description).joined(separator: ",") + "]" }
}
