import Foundation
import Testing
@testable import MTSTRuntime

@Suite struct VocabularyTests {
    @Test func readsOneTokenPerLineWithLineNumbersAsIds() throws {
        let path = try TokenizerTestSupport.temporaryFile(Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n##lo\n".utf8))
        let vocabulary = try Vocabulary(contentsOfFile: path)
        #expect(vocabulary.count == 6)
        #expect((vocabulary.padId, vocabulary.unkId, vocabulary.clsId, vocabulary.sepId) == (0, 1, 2, 3))
        #expect(vocabulary.maskId == nil)
        #expect(vocabulary.id(of: "hello") == 4)
        #expect(vocabulary.id(of: "##lo") == 5)
        #expect(vocabulary.id(of: "lo") == nil)
        #expect(vocabulary.token(for: 4) == "hello")
        #expect(vocabulary.token(for: 6) == nil)
        #expect(vocabulary.token(for: -1) == nil)
    }

    @Test func splitsLinesLikePythonTextModeAndKeepsEmptyLines() {
        #expect(Vocabulary.lines(of: "a\r\nb\rc\n\nd") == ["a", "b", "c", "", "d"])
        #expect(Vocabulary.lines(of: "a\n") == ["a"])
        #expect(Vocabulary.lines(of: " a \n") == [" a "])
        #expect(Vocabulary.lines(of: "") == [])
    }

    @Test func aDuplicateTokenTakesTheLaterIdLikeAPythonDict() throws {
        let vocabulary = try Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "x", "x"])
        #expect(vocabulary.id(of: "x") == 5)
    }

    @Test func canonicallyEquivalentTokensStayDistinct() throws {
        let vocabulary = try Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "\u{E9}", "e\u{301}"])
        #expect(vocabulary.id(of: "\u{E9}") == 4)
        #expect(vocabulary.id(of: "e\u{301}") == 5)
    }

    @Test func missingFileIsAUserFacingErrorNamingThePath() {
        let path = "/nonexistent/mtstc/vocab.txt"
        #expect(throws: TokenizerError.vocabularyNotFound(.init(file: path))) {
            try BertTokenizer(vocabPath: path)
        }
        let error = #expect(throws: TokenizerError.self) { try BertTokenizer(vocabPath: path) }
        #expect(error?.description.hasPrefix(path + ": ") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func aDirectoryOrNonUTF8FileIsRejected() throws {
        let path = try TokenizerTestSupport.temporaryFile(Data([0x5B, 0xFF, 0xFE, 0x0A]))
        #expect(throws: TokenizerError.vocabularyNotUTF8(.init(file: path))) {
            try Vocabulary(contentsOfFile: path)
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect {
            try Vocabulary(contentsOfFile: directory)
        } throws: { error in
            guard case TokenizerError.vocabularyUnreadable(let location, _) = error else { return false }
            return location.file == directory
        }
    }

    @Test func bytesInMemoryDecodeAsTheFileDoes() throws {
        let bytes = Data("[PAD]\r\n[UNK]\n[CLS]\n[SEP]\nhello".utf8)
        let path = try TokenizerTestSupport.temporaryFile(bytes)
        let fromFile = try Vocabulary(contentsOfFile: path)
        let fromMemory = try Vocabulary(data: bytes, source: "mem.txt")
        #expect(fromMemory.tokens == fromFile.tokens)
        #expect(fromMemory.id(of: "hello") == 4)
        #expect(throws: TokenizerError.vocabularyNotUTF8(.init(file: "mem.txt"))) {
            try Vocabulary(data: Data([0x5B, 0xFF, 0x0A]), source: "mem.txt")
        }
    }

    @Test func missingSpecialTokensAreAllNamed() throws {
        let path = try TokenizerTestSupport.temporaryFile(Data("[PAD]\n[CLS]\nhello\n".utf8))
        #expect(throws: TokenizerError.missingSpecialTokens(.init(file: path), ["[UNK]", "[SEP]"])) {
            try BertTokenizer(vocabPath: path)
        }
        let message = TokenizerError.missingSpecialTokens(.init(file: path), ["[UNK]", "[SEP]"]).description
        #expect(message.hasPrefix(path + ": ") && message.contains("[UNK], [SEP]"))
    }
}
