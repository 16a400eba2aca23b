/// BERT WordPiece tokenization settings.
public struct TokenizerSpec: Sendable {
    /// Resolved path of the vocab.txt (one token per line, line number = id).
    public var vocab: Located<String>
    public var lowercase: Bool
    /// Longest token sequence, [CLS] and [SEP] included; longer inputs are truncated.
    public var maxLength: Int

    static let keys = ["vocab", "lowercase", "max_length"]
}

extension TokenizerSpec {
    /// `positionOffset`: the first row of the position table a token reads (2 for MPNet), so
    /// `maxPositions − positionOffset` tokens fit.
    static func decode(_ field: Field, specPath: String, maxPositions: Int, positionOffset: Int = 0) throws(SpecError) -> TokenizerSpec {
        let map = try field.map(allowed: keys)
        let vocabField = try map.required("vocab")
        let vocab = vocabField.located(SpecPaths.resolve(try vocabField.string(), relativeTo: specPath))
        let lowercase = try map.optional("lowercase")?.bool() ?? true
        var maxLength = maxPositions - positionOffset
        if let length = map.optional("max_length") {
            maxLength = try length.positiveInt()
            guard maxLength >= 3 else {
                throw length.bad("must be at least 3 ([CLS], one token, [SEP]), got \(maxLength)")
            }
            guard maxLength <= maxPositions - positionOffset else {
                if positionOffset > 0 {
                    throw length.bad("\(maxLength) exceeds the \(maxPositions - positionOffset) positions of backbone.max_position_embeddings \(maxPositions) (positions start at row \(positionOffset))")
                }
                throw length.bad("\(maxLength) exceeds backbone.max_position_embeddings \(maxPositions)")
            }
        }
        return TokenizerSpec(vocab: vocab, lowercase: lowercase, maxLength: maxLength)
    }
}
