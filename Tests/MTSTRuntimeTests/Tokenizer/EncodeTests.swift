import Testing
@testable import MTSTRuntime

/// Ids 0–4 are [PAD] [UNK] [CLS] [SEP] [MASK]; the test tokens follow from 5.
@Suite struct EncodeTests {
    let t: BertTokenizer
    init() throws {
        //                                           5       6       7      8     9      10     11     12
        t = try TokenizerTestSupport.tokenizer(["round", "-", "trip", "to", "new", "york", "##s", "."])
    }

    @Test func wrapsPiecesInClsAndSep() {
        #expect(t.encode("Round-trip to New Yorks.", maxLength: 64) == [2, 5, 6, 7, 8, 9, 10, 11, 12, 3])
        #expect(t.encode("round zzz", maxLength: 64) == [2, 5, 1, 3])
        #expect(t.encode("", maxLength: 64) == [2, 3])
        #expect(t.encode(" \t\u{0} ", maxLength: 64) == [2, 3])
    }

    @Test func truncatesPiecesSoTheTotalFitsMaxLength() {
        #expect(t.encode("round-trip to new yorks.", maxLength: 10) == [2, 5, 6, 7, 8, 9, 10, 11, 12, 3])
        #expect(t.encode("round-trip to new yorks.", maxLength: 9) == [2, 5, 6, 7, 8, 9, 10, 11, 3])
        // The cut may fall inside a word's pieces ("york" kept, "##s" dropped).
        #expect(t.encode("new yorks", maxLength: 4) == [2, 9, 10, 3])
        #expect(t.encode("round", maxLength: 2) == [2, 3])
    }

    @Test func mapsEachWordToItsFirstPiece() {
        let (ids, first) = t.encodeWords(["Round-trip", "to", "New", "Yorks."], maxLength: 64)
        #expect(ids == [2, 5, 6, 7, 8, 9, 10, 11, 12, 3])
        // "Round-trip" is three basic tokens and "Yorks." three pieces; each belongs to its word.
        #expect(first == [1, 4, 5, 6])
    }

    @Test func wordsWithoutPiecesMapToMinusOne() {
        let (ids, first) = t.encodeWords(["", "to", "\u{7}", "   ", "zzz"], maxLength: 64)
        #expect(ids == [2, 8, 1, 3])
        #expect(first == [-1, 1, -1, -1, 2])
        let empty = t.encodeWords([], maxLength: 8)
        #expect(empty.ids == [2, 3] && empty.firstPiece.isEmpty)
    }

    @Test func wordsTruncatedAwayMapToMinusOne() {
        let (ids, first) = t.encodeWords(["to", "yorks", "new", "to"], maxLength: 4)
        // "yorks" keeps its first piece only; later words are gone.
        #expect(ids == [2, 8, 10, 3])
        #expect(first == [1, 2, -1, -1])
    }

    @Test func encodeWordsAgreesWithEncodeOnTheJoinedText() {
        let words = ["Round-trip", "to", "NEW", "yorks."]
        for maxLength in 2...12 {
            #expect(t.encodeWords(words, maxLength: maxLength).ids == t.encode(words.joined(separator: " "), maxLength: maxLength))
        }
    }
}
