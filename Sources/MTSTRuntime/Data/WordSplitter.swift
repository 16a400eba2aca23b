/// The one way mtstc splits a raw sentence into the words tags belong to: for training data
/// given as `text` (JSON lines, CSV/TSV) and for `mtstc predict`. It is BERT's basic
/// tokenization without lowercasing or accent stripping: drop control characters, split at
/// whitespace, give every CJK ideograph and every punctuation character a word of its own.
/// So each word is exactly one basic token of the model's tokenizer, and a tag per word lines
/// up with the word's first piece, whatever the text's case.
public enum WordSplitter {
    private static let basic = BasicTokenizer(lowercase: false)

    /// `"Don't go to New-York!"` → `Don ' t go to New - York !`.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var buffer: [Unicode.Scalar] = []
        basic.forEachToken(in: text, buffer: &buffer) { token in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: token)
            words.append(String(view))
            return true
        }
        return words
    }
}
