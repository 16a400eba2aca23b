/// An open-addressing hash table from sequences of Unicode scalars to token ids.
///
/// Keys are compared scalar by scalar, never as `String`s: Swift's `String` equality
/// treats canonically equivalent spellings as equal, while BERT's Python vocabulary
/// (a `dict` of `str`) distinguishes them. Keying on scalars also lets WordPiece probe
/// a substring of a word without building a `String` for it.
struct ScalarTable: Sendable {
    private var keys: [Unicode.Scalar] = []
    private var keyStart: [Int32] = [0]
    private var hashes: [UInt64] = []
    private var values: [Int32] = []
    private var slots: [Int32]
    private let shift: UInt64
    /// Longest key in scalars: WordPiece never probes substrings longer than this.
    private(set) var maxKeyLength = 0

    init(expectedCount: Int) {
        var bits: UInt64 = 4
        while (1 << bits) < expectedCount * 2 { bits += 1 }
        slots = Array(repeating: -1, count: 1 << Int(bits))
        shift = 64 - bits
    }

    var count: Int { values.count }

    /// FNV-1a over scalar values; callers extend it one scalar at a time so a word's
    /// prefixes of every length are hashed in one pass.
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always)
    static func extend(_ hash: UInt64, _ scalar: Unicode.Scalar) -> UInt64 {
        (hash ^ UInt64(scalar.value)) &* 0x0000_0100_0000_01b3
    }

    static func hash<S: Sequence<Unicode.Scalar>>(_ scalars: S) -> UInt64 {
        scalars.reduce(seed, extend)
    }

    @inline(__always)
    private func slot(for hash: UInt64) -> Int {
        // FNV's low bits depend only on the inputs' low bits; a multiplicative finish spreads them.
        Int(truncatingIfNeeded: (hash &* 0x9e37_79b9_7f4a_7c15) >> shift)
    }

    /// Inserts or, like assigning into a Python dict, overwrites an existing key's value.
    mutating func insert<C: Collection<Unicode.Scalar>>(_ key: C, value: Int32) {
        let h = Self.hash(key)
        let mask = slots.count - 1
        var i = slot(for: h)
        while slots[i] >= 0 {
            let entry = Int(slots[i])
            if hashes[entry] == h && keyEquals(entry, key) {
                values[entry] = value
                return
            }
            i = (i + 1) & mask
        }
        slots[i] = Int32(values.count)
        keys.append(contentsOf: key)
        keyStart.append(Int32(keys.count))
        hashes.append(h)
        values.append(value)
        maxKeyLength = max(maxKeyLength, key.count)
    }

    private func keyEquals<C: Collection<Unicode.Scalar>>(_ entry: Int, _ key: C) -> Bool {
        let start = Int(keyStart[entry]), end = Int(keyStart[entry + 1])
        return keys[start..<end].elementsEqual(key)
    }

    func lookup<C: Collection<Unicode.Scalar>>(_ key: C) -> Int32? {
        lookup(key, hash: Self.hash(key))
    }

    /// `hash` must equal `ScalarTable.hash(key)`.
    @inline(__always)
    func lookup<C: Collection<Unicode.Scalar>>(_ key: C, hash h: UInt64) -> Int32? {
        let mask = slots.count - 1
        var i = slot(for: h)
        while true {
            let entry = Int(slots[i])
            if entry < 0 { return nil }
            if hashes[entry] == h && keyEquals(entry, key) { return values[entry] }
            i = (i + 1) & mask
        }
    }
}
