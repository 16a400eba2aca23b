import MTSTCompiler

/// Problems with a tokenizer's vocabulary file. Each description is one line naming the file.
public enum TokenizerError: UserFacingError, Equatable {
    case vocabularyNotFound(SourceLocation)
    case vocabularyUnreadable(SourceLocation, reason: String)
    case vocabularyNotUTF8(SourceLocation)
    /// The tokens BERT's input layout needs, listed in the order [PAD], [UNK], [CLS], [SEP].
    case missingSpecialTokens(SourceLocation, [String])

    public var description: String {
        switch self {
        case .vocabularyNotFound(let location):
            return "\(location): vocabulary file not found (fetch the model assets first, e.g. Scripts/fetch-assets.sh)"
        case .vocabularyUnreadable(let location, let reason):
            return "\(location): cannot read vocabulary file: \(reason)"
        case .vocabularyNotUTF8(let location):
            return "\(location): vocabulary file is not valid UTF-8 (expected one WordPiece token per line)"
        case .missingSpecialTokens(let location, let tokens):
            return "\(location): vocabulary lacks \(tokens.joined(separator: ", ")); a BERT WordPiece vocabulary needs [PAD], [UNK], [CLS] and [SEP]"
        }
    }
}
