import Foundation
import MTSTRuntime

extension FuzzTarget {
    static let vocabulary = FuzzTarget(
        name: "vocabulary",
        covers: "Vocabulary from random vocab.txt bytes (line splitting, special tokens, lookup tables), then BertTokenizer over the same bytes as text"
    ) { data in
        let path = "fuzz-vocab.txt"
        let vocabulary: Vocabulary
        do {
            vocabulary = try Vocabulary(data: data, source: path)
        } catch {
            checkRejection(error, file: path)
            return
        }
        for (token, id) in [("[PAD]", vocabulary.padId), ("[UNK]", vocabulary.unkId), ("[CLS]", vocabulary.clsId), ("[SEP]", vocabulary.sepId)] {
            if vocabulary.token(for: id) != token || vocabulary.id(of: token) != id {
                violated("\(token) has id \(id), which maps back to \(vocabulary.token(for: id) ?? "nothing")")
            }
        }
        let text = String(decoding: data, as: UTF8.self)
        for lowercase in [true, false] { checkTokenizer(BertTokenizer(vocabulary: vocabulary, lowercase: lowercase), text: text) }
    }

    static let tokenizer = FuzzTarget(
        name: "tokenizer",
        covers: "BertTokenizer on random text (cleaning, CJK, lowercasing, accents, punctuation, WordPiece, truncation) with the real MiniLM vocabulary, or the tiny one without the assets"
    ) { data in
        let text = String(decoding: data, as: UTF8.self)
        checkTokenizer(realTokenizer, text: text)
    }
}

private let realTokenizer: BertTokenizer = {
    let real = repositoryRoot + "/Assets/all-MiniLM-L6-v2/vocab.txt"
    let path = FileManager.default.fileExists(atPath: real) ? real : repositoryRoot + "/Graphs/tiny-vocab.txt"
    do {
        return try BertTokenizer(vocabPath: path)
    } catch {
        violated("cannot load the tokenizer target's vocabulary: \(error)")
    }
}()

/// What every encoding must satisfy whatever the text: `[CLS] … [SEP]` within the length, ids
/// inside the vocabulary, a shorter limit giving a prefix of a longer one, and word positions
/// that point at pieces in order.
private func checkTokenizer(_ tokenizer: BertTokenizer, text: String) {
    let count = tokenizer.vocabulary.count
    let cls = tokenizer.vocabulary.clsId, sep = tokenizer.vocabulary.sepId
    var longer: [Int32] = []
    for maxLength in [512, 8, 2] {
        let ids = tokenizer.encode(text, maxLength: maxLength)
        guard ids.count >= 2, ids.count <= maxLength, ids.first == cls, ids.last == sep else {
            violated("encode(maxLength: \(maxLength)) gave \(ids)")
        }
        if let bad = ids.first(where: { $0 < 0 || Int($0) >= count }) { violated("id \(bad) outside a vocabulary of \(count)") }
        if !longer.isEmpty, Array(longer.prefix(ids.count - 1)) != Array(ids.dropLast()) {
            violated("encode(maxLength: \(maxLength)) is not a prefix of the longer encoding")
        }
        longer = ids
    }
    for token in tokenizer.basicTokens(text) {
        if token.isEmpty || token.unicodeScalars.contains(where: \.properties.isWhitespace) {
            violated("basic token \(token.debugDescription)")
        }
        if tokenizer.wordPieces(token).isEmpty { violated("no pieces for \(token.debugDescription)") }
    }
    let words = text.split(separator: "\n").map(String.init)
    let (ids, firstPiece) = tokenizer.encodeWords(words, maxLength: 16)
    guard ids.count <= 16, firstPiece.count == words.count else {
        violated("encodeWords gave \(ids.count) ids and \(firstPiece.count) positions for \(words.count) words")
    }
    var previous = 0
    for position in firstPiece where position >= 0 {
        if position <= previous || position >= ids.count - 1 { violated("word positions \(firstPiece) for \(ids.count) ids") }
        previous = position
    }
}
