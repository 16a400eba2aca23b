/// A tag split the way conlleval splits it: at the first '-', so "B-geo-loc" is prefix "B",
/// type "geo-loc"; a tag without '-' ("O", or a bare "PER") is all prefix with an empty type.
struct ChunkTag: Equatable {
    var prefix: Substring
    var type: Substring

    static let outside = ChunkTag("O")

    init(_ tag: String) {
        if let dash = tag.firstIndex(of: "-") {
            prefix = tag[..<dash]
            let rest = tag[tag.index(after: dash)...]
            // conlleval keeps the type only if it is true in Perl, and "0" is false there.
            type = rest == "0" ? "" : rest
        } else {
            prefix = tag[...]
            type = ""
        }
    }

    /// conlleval's chunk-start rule between two adjacent tags. It accepts IOB1, IOB2, IOE and
    /// bracket tags alike, which is why an I- after O (or after another type) opens a chunk.
    static func startsChunk(previous: ChunkTag, current: ChunkTag) -> Bool {
        switch (previous.prefix, current.prefix) {
        case ("B", "B"), ("I", "B"), ("O", "B"), ("O", "I"), ("E", "E"), ("E", "I"), ("O", "E"):
            return true
        case (_, "["), (_, "]"):
            return true
        default:
            return current.prefix != "O" && current.prefix != "." && previous.type != current.type
        }
    }

    /// conlleval's chunk-end rule: does a chunk close between `previous` and `current`?
    static func endsChunk(previous: ChunkTag, current: ChunkTag) -> Bool {
        switch (previous.prefix, current.prefix) {
        case ("B", "B"), ("B", "O"), ("I", "B"), ("I", "O"), ("E", "E"), ("E", "I"), ("E", "O"):
            return true
        case ("[", _), ("]", _):
            return true
        default:
            return previous.prefix != "O" && previous.prefix != "." && previous.type != current.type
        }
    }
}
