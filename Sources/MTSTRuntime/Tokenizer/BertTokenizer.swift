import MTSTCompiler

/// BERT's WordPiece tokenizer, id for id the same as Hugging Face's pure-Python
/// `BertTokenizer` (basic tokenization, then WordPiece, then `[CLS] … [SEP]`). The Rust
/// "fast" tokenizer differs from both on a word-final capital sigma, which Python's
/// `str.lower()` (and so this) turns into `ς`.
///
/// Special tokens written in the text (e.g. a literal "[SEP]") are not recognised: they
/// are tokenized like any other text.
public struct BertTokenizer: Sendable {
    public let vocabulary: Vocabulary
    /// Whether text is lowercased and accent-stripped (uncased models).
    public var lowercase: Bool { basic.lowercase }
    private let basic: BasicTokenizer
    private let wordPiece: WordPiece

    /// Reads `vocab.txt`; throws `TokenizerError` when it is missing, unreadable or lacks one
    /// of `specials` (BERT's [PAD], [UNK], [CLS], [SEP] by default; MPNet wraps sentences in
    /// `<s> … </s>`). `lowercase` also strips accents, as in BERT.
    public init(vocabPath: String, lowercase: Bool = true, specials: SpecialTokens = .bert) throws {
        self.init(vocabulary: try Vocabulary(contentsOfFile: vocabPath, specials: specials), lowercase: lowercase)
    }

    public init(vocabulary: Vocabulary, lowercase: Bool = true) {
        self.vocabulary = vocabulary
        basic = BasicTokenizer(lowercase: lowercase)
        wordPiece = WordPiece(vocabulary: vocabulary)
    }

    /// The words before WordPiece: cleaned, CJK spaced out, lowercased and accent-stripped
    /// (when `lowercase`), punctuation split off.
    public func basicTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var buffer: [Unicode.Scalar] = []
        basic.forEachToken(in: text, buffer: &buffer) { token in
            tokens.append(Self.string(token))
            return true
        }
        return tokens
    }

    /// The WordPiece pieces of one word (whitespace inside it separates words, as in the
    /// reference). No basic tokenization is applied.
    public func wordPieces(_ word: String) -> [String] {
        var ids: [Int32] = []
        var current: [Unicode.Scalar] = []
        func endWord() {
            if !current.isEmpty { wordPiece.appendIDs(of: current[...], to: &ids) }
            current.removeAll(keepingCapacity: true)
        }
        for scalar in word.unicodeScalars {
            if Self.isPythonWhitespace(scalar) { endWord() } else { current.append(scalar) }
        }
        endWord()
        return ids.map { vocabulary.tokens[Int($0)] }
    }

    /// `[CLS] pieces… [SEP]`, the pieces cut so the total is at most `maxLength` (≥ 2).
    public func encode(_ text: String, maxLength: Int) -> [Int32] {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        let limit = maxLength - 1
        var ids: [Int32] = [vocabulary.clsId]
        ids.reserveCapacity(min(maxLength, 64))
        var buffer: [Unicode.Scalar] = []
        buffer.reserveCapacity(32)
        basic.forEachToken(in: text, buffer: &buffer) { token in
            wordPiece.appendIDs(of: token, to: &ids)
            return ids.count < limit
        }
        if ids.count > limit { ids.removeSubrange(limit...) }
        ids.append(vocabulary.sepId)
        return ids
    }

    /// Encodes pre-split words (ATIS, CoNLL). Each word is tokenized on its own and may
    /// yield several basic tokens; all their pieces belong to it. `firstPiece[w]` is the
    /// position in `ids` of word `w`'s first piece, or -1 when the word produced no pieces
    /// (e.g. only control characters) or was truncated away.
    public func encodeWords(_ words: [String], maxLength: Int) -> (ids: [Int32], firstPiece: [Int]) {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        let limit = maxLength - 1
        var ids: [Int32] = [vocabulary.clsId]
        var firstPiece = Array(repeating: -1, count: words.count)
        var buffer: [Unicode.Scalar] = []
        buffer.reserveCapacity(32)
        for (w, word) in words.enumerated() {
            if ids.count >= limit { break }
            let start = ids.count
            basic.forEachToken(in: word, buffer: &buffer) { token in
                wordPiece.appendIDs(of: token, to: &ids)
                return ids.count < limit
            }
            if ids.count > start { firstPiece[w] = start }
        }
        if ids.count > limit { ids.removeSubrange(limit...) }
        ids.append(vocabulary.sepId)
        return (ids, firstPiece)
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// Python's `str.split()` separators: White_Space plus U+001C–U+001F.
    private static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        (0x1C...0x1F).contains(scalar.value) || scalar.properties.isWhitespace
    }
}
