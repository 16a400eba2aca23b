import Testing
@testable import MTSTRuntime

/// Each rule of BERT's basic tokenization (GUIDE §7), one at a time.
@Suite struct BasicTokenizerTests {
    let tokenizer: BertTokenizer
    let cased: BertTokenizer

    init() throws {
        tokenizer = try TokenizerTestSupport.tokenizer([])
        cased = try TokenizerTestSupport.tokenizer([], lowercase: false)
    }

    @Test func dropsNulReplacementAndControlCharactersWithoutSplitting() {
        #expect(tokenizer.basicTokens("ab\u{0}cd") == ["abcd"])
        #expect(tokenizer.basicTokens("ab\u{FFFD}cd") == ["abcd"])
        #expect(tokenizer.basicTokens("a\u{7}b\u{7F}c\u{85}d") == ["abcd"])           // Cc
        #expect(tokenizer.basicTokens("zero\u{200B}width\u{AD}soft") == ["zerowidthsoft"])  // Cf
        #expect(tokenizer.basicTokens("private\u{E000}use") == ["privateuse"])         // Co
        #expect(tokenizer.basicTokens("\u{1}\u{2}") == [])
    }

    @Test func splitsOnWhitespaceIncludingUnicodeSpaceSeparators() {
        #expect(tokenizer.basicTokens("a b\tc\nd\re") == ["a", "b", "c", "d", "e"])
        #expect(tokenizer.basicTokens("a\u{A0}b\u{2003}c\u{3000}d") == ["a", "b", "c", "d"])
        // Line and paragraph separators survive cleaning but Python's str.split() splits there.
        #expect(tokenizer.basicTokens("a\u{2028}b\u{2029}c") == ["a", "b", "c"])
        #expect(tokenizer.basicTokens("   ") == [])
        #expect(tokenizer.basicTokens("") == [])
    }

    @Test func spacesOutCJKIdeographsButNotKanaOrHangul() {
        #expect(tokenizer.basicTokens("我爱x東京") == ["我", "爱", "x", "東", "京"])
        #expect(tokenizer.basicTokens("a\u{20000}b\u{F900}") == ["a", "\u{20000}", "b", "\u{F900}"])
        #expect(tokenizer.basicTokens("テスト 한국어") == ["テスト", "한국어"])
    }

    @Test func lowercasesAndStripsAccents() {
        #expect(tokenizer.basicTokens("Café DÉJÀ Naïve") == ["cafe", "deja", "naive"])
        #expect(tokenizer.basicTokens("Cafe\u{301}") == ["cafe"])
        #expect(tokenizer.basicTokens("Tiếng Việt") == ["tieng", "viet"])
        // İ lowercases to i + U+0307, and the combining dot is stripped.
        #expect(tokenizer.basicTokens("İstanbul") == ["istanbul"])
    }

    @Test func caselessModeKeepsCaseAndAccentsButComposesToNFC() {
        #expect(cased.basicTokens("Café DÉJÀ") == ["Café", "DÉJÀ"])
        let composed = cased.basicTokens("Cafe\u{301}")
        #expect(composed.map { Array($0.unicodeScalars) } == [Array("Caf\u{E9}".unicodeScalars)])
    }

    @Test func lowercasesCapitalSigmaByContextLikePython() {
        #expect(tokenizer.basicTokens("ΟΔΟΣ") == ["οδος"])
        #expect(tokenizer.basicTokens("ΟΔΟΣ.") == ["οδος", "."])
        #expect(tokenizer.basicTokens("Σ ΣΑΣ") == ["σ", "σας"])
        #expect(tokenizer.basicTokens("ΣΑ") == ["σα"])
    }

    @Test func splitsEveryPunctuationCharacterIntoItsOwnToken() {
        #expect(tokenizer.basicTokens("$5.00 a&b") == ["$", "5", ".", "00", "a", "&", "b"])
        #expect(tokenizer.basicTokens("x^y`z~w") == ["x", "^", "y", "`", "z", "~", "w"])
        #expect(tokenizer.basicTokens("«qué»¿ok?—yes…") == ["«", "que", "»", "¿", "ok", "?", "—", "yes", "…"])
        #expect(tokenizer.basicTokens("...") == [".", ".", "."])
        // Symbols (S*) are not punctuation unless they are ASCII.
        #expect(tokenizer.basicTokens("€100 x² a+b") == ["€100", "x²", "a", "+", "b"])
    }

    @Test func treatsEmojiPerScalarLikePython() {
        // The skin-tone modifier (Sk) stays attached; VS16 (Mn) is stripped; ZWJ (Cf) is dropped.
        #expect(tokenizer.basicTokens("👍🏽") == ["👍🏽"])
        #expect(tokenizer.basicTokens("❤️!") == ["❤", "!"])
        #expect(cased.basicTokens("❤️") == ["❤\u{FE0F}"])
        #expect(tokenizer.basicTokens("👨‍👩") == ["👨👩"])
        #expect(tokenizer.basicTokens("👨‍👩").first?.unicodeScalars.count == 2)
    }
}
