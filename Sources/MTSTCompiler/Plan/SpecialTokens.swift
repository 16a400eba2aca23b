/// The special tokens a WordPiece tokenizer wraps and pads sentences with. They belong to the
/// backbone (BERT's `[CLS] … [SEP]`, MPNet's `<s> … </s>`), travel in the plan with the
/// vocabulary, and the runtime looks their ids up in the vocabulary instead of assuming BERT's.
public struct SpecialTokens: Codable, Sendable, Equatable {
    /// Starts every sequence (BERT `[CLS]`, MPNet `<s>`).
    public var cls: String
    /// Ends every sequence (BERT `[SEP]`, MPNet `</s>`).
    public var sep: String
    public var pad: String
    /// Stands for a word WordPiece cannot match.
    public var unk: String

    public init(cls: String, sep: String, pad: String, unk: String) {
        self.cls = cls
        self.sep = sep
        self.pad = pad
        self.unk = unk
    }

    public static let bert = SpecialTokens(cls: "[CLS]", sep: "[SEP]", pad: "[PAD]", unk: "[UNK]")
    /// `MPNetTokenizer`'s defaults (its unknown token is BERT's `[UNK]`, as in all-mpnet-base-v2).
    public static let mpnet = SpecialTokens(cls: "<s>", sep: "</s>", pad: "<pad>", unk: "[UNK]")

    /// In the order a missing-token error lists them.
    public var all: [String] { [pad, unk, cls, sep] }
}
