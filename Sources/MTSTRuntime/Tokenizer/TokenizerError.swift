import MTSTCompiler

/// Problems with a tokenizer's vocabulary file. Each description is one line naming the file.
public enum TokenizerError: UserFacingError, Equatable {
    case vocabularyNotFound(SourceLocation)
    case vocabularyUnreadable(SourceLocation, reason: String)
    case vocabularyNotUTF8(SourceLocation)
    /// The special tokens the vocabulary lacks, in the order pad, unk, cls, sep of `needed`.
    case missingSpecialTokens(SourceLocation, [String], needed: SpecialTokens = .bert)

    public var description: String {
        switch self {
        case .vocabularyNotFound(let location):
            return "\(location): vocabulary file not found (fetch the model assets first, e.g. Scripts/fetch-assets.sh)"
        case .vocabularyUnreadable(let location, let reason):
            return "\(location): cannot read vocabulary file: \(reason)"
        case .vocabularyNotUTF8(let location):
            return "\(location): vocabulary file is not valid UTF-8 (expected one WordPiece token per line)"
        case .missingSpecialTokens(let location, let tokens, let needed):
            let all = needed.all
            let kind = needed == .bert ? "a BERT WordPiece vocabulary" : needed == .mpnet ? "an MPNet WordPiece vocabulary" : "this tokenizer's vocabulary"
            return "\(location): vocabulary lacks \(tokens.joined(separator: ", ")); \(kind) needs \(all.dropLast().joined(separator: ", ")) and \(all.last ?? "")"
        }
    }
}
