import Testing
@testable import MTSTRuntime

@Suite struct WordPieceTests {
    @Test func splitsGreedilyWithContinuations() throws {
        let t = try TokenizerTestSupport.tokenizer(["un", "##aff", "##able", "a", "ab", "abc", "##d", "##cd"])
        #expect(t.wordPieces("unaffable") == ["un", "##aff", "##able"])
        // Longest match first: "abc" wins over "ab" + "##cd".
        #expect(t.wordPieces("abcd") == ["abc", "##d"])
    }

    @Test func anUnmatchablePositionMakesTheWholeWordUnknown() throws {
        let t = try TokenizerTestSupport.tokenizer(["ab", "abc", "##x", "##cx", "z"])
        #expect(t.wordPieces("q") == ["[UNK]"])
        #expect(t.wordPieces("abcx") == ["abc", "##x"])
        // No backtracking: after "abc", "##y" is missing, so the word is one [UNK], not pieces + [UNK].
        #expect(t.wordPieces("abcy") == ["[UNK]"])
        #expect(t.wordPieces("z abcy z") == ["z", "[UNK]", "z"])
    }

    @Test func wordsOverOneHundredScalarsAreUnknown() throws {
        let t = try TokenizerTestSupport.tokenizer(["a", "##a"])
        #expect(t.wordPieces(String(repeating: "a", count: 100)) == ["a"] + Array(repeating: "##a", count: 99))
        #expect(t.wordPieces(String(repeating: "a", count: 101)) == ["[UNK]"])
        // Length counts scalars, not grapheme clusters: 51 "a" + U+0301 pairs are 102 scalars.
        let t2 = try TokenizerTestSupport.tokenizer(["a", "##a", "##\u{301}"])
        #expect(t2.wordPieces(String(repeating: "a\u{301}", count: 51)) == ["[UNK]"])
        #expect(t2.wordPieces(String(repeating: "a\u{301}", count: 50)).count == 100)
    }

    @Test func aContinuationTokenMatchesAtTheStartOfAWordOnlyLiterally() throws {
        let t = try TokenizerTestSupport.tokenizer(["##aff", "b"])
        #expect(t.wordPieces("##aff") == ["##aff"])
        #expect(t.wordPieces("aff") == ["[UNK]"])
        #expect(t.wordPieces("baff") == ["b", "##aff"])
    }

    @Test func lookupsCompareScalarsNotCanonicalEquivalence() throws {
        let t = try TokenizerTestSupport.tokenizer(["caf\u{E9}"], lowercase: false)
        #expect(t.wordPieces("caf\u{E9}") == ["caf\u{E9}"])
        // Python's dict would not find the decomposed spelling; neither do we…
        #expect(t.wordPieces("cafe\u{301}") == ["[UNK]"])
        // …but basic tokenization composes it to NFC first, as the reference does.
        #expect(t.encode("cafe\u{301}", maxLength: 8) == [2, 5, 3])
    }
}
