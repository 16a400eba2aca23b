import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// MPNet's tokenizer is BERT's WordPiece with other special tokens: `<s> … </s>`, `<pad>`,
/// `[UNK]`, `<mask>`. Ids from `transformers`' `MPNetTokenizer` on the parity texts
/// (Scripts/reference/make_mpnet_fixtures.py --tokens), with an MPNet-layout vocabulary built
/// from the real BERT vocabulary: `<s> <pad> </s> <unk>`, BERT's 30,522 tokens, `<mask>` (30,527,
/// all-mpnet-base-v2's size).
@Suite(.enabled(if: TokenizerTestSupport.hasRealVocab,
                "Assets/all-MiniLM-L6-v2/vocab.txt is absent; fetch the model assets to run tokenizer parity tests"))
struct MPNetTokenizerParityTests {
    struct Fixture: Decodable {
        struct Item: Decodable { let text: String; let ids: [Int32] }
        let size: Int
        let items: [Item]
    }
    struct BertItem: Decodable { let text: String; let ids: [Int32]; let fast_ids: [Int32]? }

    static func vocabulary() throws -> Vocabulary {
        let bert = try Vocabulary(contentsOfFile: TokenizerTestSupport.realVocabPath)
        return try Vocabulary(tokens: ["<s>", "<pad>", "</s>", "<unk>"] + bert.tokens + ["<mask>"], specials: .mpnet)
    }

    @Test func specialIdsComeFromTheBackbonesTokens() throws {
        let v = try Self.vocabulary()
        #expect(v.count == 30527)
        #expect((v.clsId, v.padId, v.sepId, v.unkId, v.maskId) == (0, 1, 2, 104, 30526))
        // BERT's specials lack in an MPNet-only vocabulary: named in the error, with MPNet's list.
        let error = #expect(throws: TokenizerError.self) { try Vocabulary(tokens: ["<s>", "<pad>", "hello"], specials: .mpnet) }
        #expect(error?.description == "<vocabulary>: vocabulary lacks [UNK], </s>; an MPNet WordPiece vocabulary needs <pad>, [UNK], <s> and </s>")
    }

    @Test func everyFixtureTextGivesMPNetTokenizersIds() throws {
        let tokenizer = BertTokenizer(vocabulary: try Self.vocabulary())
        let fixture = try TokenizerTestSupport.fixture("mpnet_tokens", as: Fixture.self)
        let bert = try TokenizerTestSupport.fixture("parity_tokens", as: [BertItem].self)
        #expect(fixture.size == tokenizer.vocabulary.count && fixture.items.count == bert.count && bert.count >= 20)
        var compared = 0
        for (item, reference) in zip(fixture.items, bert) {
            let ids = tokenizer.encode(item.text, maxLength: 256)
            if reference.fast_ids != nil {
                // MPNetTokenizer is the Rust one, which lowercases a word-final Σ differently from
                // Python (see parity_tokens.json); mtstc follows Python for both backbones.
                #expect(ids == [0] + reference.ids.dropFirst().dropLast().map { $0 + 4 } + [2], "text: \(item.text.debugDescription)")
                continue
            }
            #expect(ids == item.ids, "text: \(item.text.debugDescription)")
            compared += 1
        }
        #expect(compared >= 20)
    }
}
