import Foundation
import MTSTCompiler

/// A WordPiece vocabulary: token ↔ id, with the ids of the backbone's special tokens.
public struct Vocabulary: Sendable {
    /// The tables live in one immutable object so that copying a `Vocabulary` (and every
    /// closure capturing a tokenizer) retains one reference instead of a dozen arrays.
    private final class Storage: Sendable {
        let tokens: [String]
        /// Every token, for lookups at the start of a word.
        let whole: ScalarTable
        /// Tokens that start with `##`, keyed without the prefix, for lookups inside a word.
        let continuation: ScalarTable

        init(tokens: [String], whole: ScalarTable, continuation: ScalarTable) {
            self.tokens = tokens
            self.whole = whole
            self.continuation = continuation
        }
    }

    private let storage: Storage
    public let padId: Int32
    public let unkId: Int32
    public let clsId: Int32
    public let sepId: Int32
    /// Only masked-language-model vocabularies have it; nothing here needs it.
    public let maskId: Int32?

    /// `tokens[id]` is the token on line `id` (0-based) of the vocabulary file.
    public var tokens: [String] { storage.tokens }

    /// Lends both tables without copying them (a copy would retain each of their arrays).
    func withTables<R>(_ body: (_ whole: borrowing ScalarTable, _ continuation: borrowing ScalarTable) -> R) -> R {
        body(storage.whole, storage.continuation)
    }

    public var count: Int { storage.tokens.count }

    /// Builds a vocabulary from tokens in id order. `source` names the file in errors.
    public init(tokens: [String], source: String = "<vocabulary>", specials: SpecialTokens = .bert) throws {
        var whole = ScalarTable(expectedCount: tokens.count)
        var continuationCount = 0
        for token in tokens where token.hasPrefix("##") { continuationCount += 1 }
        var continuation = ScalarTable(expectedCount: continuationCount)
        for (index, token) in tokens.enumerated() {
            let scalars = token.unicodeScalars
            whole.insert(scalars, value: Int32(index))
            if scalars.starts(with: "##".unicodeScalars) {
                continuation.insert(scalars.dropFirst(2), value: Int32(index))
            }
        }
        func id(_ token: String) -> Int32? { whole.lookup(token.unicodeScalars) }
        let missing = specials.all.filter { id($0) == nil }
        guard let pad = id(specials.pad), let unk = id(specials.unk), let cls = id(specials.cls), let sep = id(specials.sep) else {
            throw TokenizerError.missingSpecialTokens(SourceLocation(file: source), missing, needed: specials)
        }
        storage = Storage(tokens: tokens, whole: whole, continuation: continuation)
        padId = pad
        unkId = unk
        clsId = cls
        sepId = sep
        maskId = id(specials == .bert ? "[MASK]" : "<mask>")
    }

    /// Reads a `vocab.txt`: one token per line, the line number (from 0) is the id.
    public init(contentsOfFile path: String, specials: SpecialTokens = .bert) throws {
        let location = SourceLocation(file: path)
        let data: Data
        do {
            data = try InputFile.read(path)
        } catch {
            if error.isMissing { throw TokenizerError.vocabularyNotFound(location) }
            let hint = error.reason == InputFile.directoryReason ? " (expected vocab.txt inside it?)" : ""
            throw TokenizerError.vocabularyUnreadable(location, reason: error.reason + hint)
        }
        try self.init(data: data, source: path, specials: specials)
    }

    /// Decodes the bytes of a `vocab.txt` already in memory; `source` names the file in errors.
    public init(data: Data, source: String = "<vocabulary>", specials: SpecialTokens = .bert) throws {
        guard let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError.vocabularyNotUTF8(SourceLocation(file: source))
        }
        try self.init(tokens: Self.lines(of: text), source: source, specials: specials)
    }

    /// Splits lines the way Python's text-mode `readlines()` does for Hugging Face's
    /// `load_vocab`: `\n`, `\r\n` and a lone `\r` all end a line, a final line needs no
    /// terminator, and nothing else (no trimming) is removed, so ids line up exactly.
    static func lines(of text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            if afterCR {
                afterCR = false
                if scalar == "\n" { continue }
            }
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
                afterCR = scalar == "\r"
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }

    /// The id of `token`, matched scalar for scalar (canonically equivalent spellings differ).
    public func id(of token: String) -> Int32? {
        storage.whole.lookup(token.unicodeScalars)
    }

    public func token(for id: Int32) -> String? {
        storage.tokens.indices.contains(Int(id)) ? storage.tokens[Int(id)] : nil
    }
}
