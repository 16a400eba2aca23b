import Foundation
import Testing
@testable import MTSTRuntime

/// Ids produced by Hugging Face's Python BertTokenizer for all-MiniLM-L6-v2
/// (Scripts/reference/make_parity_fixtures.py). Needs the real vocabulary in Assets/.
@Suite(.enabled(if: TokenizerTestSupport.hasRealVocab,
                "Assets/all-MiniLM-L6-v2/vocab.txt is absent; fetch the model assets to run tokenizer parity tests"))
struct TokenizerParityTests {
    struct TextItem: Decodable { let text: String; let ids: [Int32] }
    struct FuzzItem: Decodable { let text: String; let ids: [Int32]; let cased_ids: [Int32] }
    struct WordsItem: Decodable {
        let words: [String]
        let max_length: Int
        let ids: [Int32]
        let first_piece: [Int]
    }

    let tokenizer: BertTokenizer
    init() throws {
        tokenizer = try BertTokenizer(vocabPath: TokenizerTestSupport.realVocabPath)
    }

    @Test func realVocabularyHasBertSpecialIds() {
        #expect(tokenizer.vocabulary.count == 30522)
        #expect(tokenizer.vocabulary.padId == 0)
        #expect(tokenizer.vocabulary.unkId == 100)
        #expect(tokenizer.vocabulary.clsId == 101)
        #expect(tokenizer.vocabulary.sepId == 102)
        #expect(tokenizer.vocabulary.maskId == 103)
    }

    @Test func everyFixtureTextGivesTheReferenceIds() throws {
        let items = try TokenizerTestSupport.fixture("parity_tokens", as: [TextItem].self)
        #expect(items.count >= 20)
        for item in items {
            let ids = tokenizer.encode(item.text, maxLength: 256)
            #expect(ids == item.ids, "text: \(item.text.debugDescription)")
        }
    }

    @Test func everyFixtureWordListGivesTheReferenceIdsAndFirstPieces() throws {
        let items = try TokenizerTestSupport.fixture("parity_words", as: [WordsItem].self)
        #expect(!items.isEmpty)
        for item in items {
            let (ids, first) = tokenizer.encodeWords(item.words, maxLength: item.max_length)
            #expect(ids == item.ids, "words: \(item.words)")
            #expect(first == item.first_piece, "words: \(item.words)")
        }
    }

    @Test func seededRandomUnicodeTextsGiveTheReferenceIdsCasedAndUncased() throws {
        let items = try TokenizerTestSupport.fixture("parity_fuzz", as: [FuzzItem].self)
        #expect(items.count >= 200)
        let cased = try BertTokenizer(vocabPath: TokenizerTestSupport.realVocabPath, lowercase: false)
        for item in items {
            let scalars = item.text.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }
            #expect(tokenizer.encode(item.text, maxLength: 256) == item.ids, "text: \(scalars)")
            #expect(cased.encode(item.text, maxLength: 256) == item.cased_ids, "cased text: \(scalars)")
        }
    }
}
