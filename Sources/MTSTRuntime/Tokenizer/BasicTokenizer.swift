import Foundation

/// BERT's basic tokenization, matching Hugging Face's Python `BasicTokenizer` with
/// `tokenize_chinese_chars=True` and `strip_accents` following `lowercase`:
/// clean → space out CJK → NFC → split at whitespace → per word: lowercase, NFD and drop
/// `Mn` → split off punctuation.
///
/// Words that are pure ASCII skip normalization: NFC, NFD and accent stripping leave
/// them unchanged and lowercasing is A–Z only, so the common case allocates nothing.
struct BasicTokenizer: Sendable {
    let lowercase: Bool

    /// Calls `body` with each basic token in order; stops early when `body` returns false.
    /// `word` is scratch space, passed in so callers tokenizing many short strings
    /// (`encodeWords`) allocate it once.
    func forEachToken(
        in text: String, buffer word: inout [Unicode.Scalar], _ body: (ArraySlice<Unicode.Scalar>) -> Bool
    ) {
        word.removeAll(keepingCapacity: true)
        var wordIsASCII = true
        var keepGoing = true

        func endWord() {
            guard !word.isEmpty else { return }
            keepGoing = wordIsASCII ? emitASCII(&word, body) : emit(normalized(word), body)
            word.removeAll(keepingCapacity: true)
            wordIsASCII = true
        }

        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 {
                if BertCharacterClasses.isSeparator(scalar) {
                    endWord()
                } else if !BertCharacterClasses.isDropped(scalar) {
                    word.append(scalar)
                }
            } else if BertCharacterClasses.isDropped(scalar) {
                continue
            } else if BertCharacterClasses.isSeparator(scalar) {
                endWord()
            } else if BertCharacterClasses.isCJK(scalar) {
                endWord()
                if keepGoing {
                    word.append(scalar)
                    wordIsASCII = false
                    endWord()
                }
            } else {
                word.append(scalar)
                wordIsASCII = false
            }
            if !keepGoing { return }
        }
        endWord()
    }

    private func emitASCII(_ word: inout [Unicode.Scalar], _ body: (ArraySlice<Unicode.Scalar>) -> Bool) -> Bool {
        if lowercase {
            for i in word.indices where (0x41...0x5A).contains(word[i].value) {
                word[i] = Unicode.Scalar(UInt8(truncatingIfNeeded: word[i].value + 0x20))
            }
        }
        return emit(word, body)
    }

    /// Splits `word` at punctuation: each punctuation scalar becomes a token of its own.
    private func emit(_ word: [Unicode.Scalar], _ body: (ArraySlice<Unicode.Scalar>) -> Bool) -> Bool {
        var start = 0
        for i in word.indices where BertCharacterClasses.isPunctuation(word[i]) {
            if start < i, !body(word[start..<i]) { return false }
            if !body(word[i...i]) { return false }
            start = i + 1
        }
        if start < word.count { return body(word[start...]) }
        return true
    }

    private func normalized(_ word: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // Below U+0300 (the first combining mark) every scalar is NFC-stable.
        var scalars = word.contains { $0.value >= 0x300 } ? Self.nfc(word) : word
        guard lowercase else { return scalars }
        scalars = Self.lowercased(scalars)
        // Below U+00C0 nothing has a canonical decomposition, and no mark is below U+0300.
        if scalars.contains(where: { $0.value >= 0xC0 }) {
            scalars = Self.nfd(scalars)
            scalars.removeAll { $0.value >= 0x300 && $0.properties.generalCategory == .nonspacingMark }
        }
        return scalars
    }

    /// Python's `str.lower()`: full lowercase mappings (İ → i + U+0307) and the
    /// context-dependent final sigma, which Swift's per-scalar mappings leave out.
    static func lowercased(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for (i, scalar) in scalars.enumerated() {
            if scalar.value < 0x80 {
                let v = scalar.value
                out.append((0x41...0x5A).contains(v) ? Unicode.Scalar(UInt8(truncatingIfNeeded: v + 0x20)) : scalar)
            } else if scalar == "\u{03A3}" {
                out.append(isFinalSigma(at: i, in: scalars) ? "\u{03C2}" : "\u{03C3}")
            } else if scalar.properties.changesWhenLowercased {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return out
    }

    /// Unicode's Final_Sigma condition as CPython tests it: a cased letter before
    /// (skipping case-ignorables), and no cased letter after (skipping case-ignorables).
    static func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        var j = index - 1
        while j >= 0 && scalars[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && scalars[j].properties.isCased else { return false }
        j = index + 1
        while j < scalars.count && scalars[j].properties.isCaseIgnorable { j += 1 }
        return j == scalars.count || !scalars[j].properties.isCased
    }

    static func nfc(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        Array(string(scalars).precomposedStringWithCanonicalMapping.unicodeScalars)
    }

    static func nfd(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        Array(string(scalars).decomposedStringWithCanonicalMapping.unicodeScalars)
    }

    private static func string(_ scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
