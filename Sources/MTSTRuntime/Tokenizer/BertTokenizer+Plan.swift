import MTSTCompiler

extension BertTokenizer {
    /// The tokenizer a plan was compiled with. Every command and the `Model` build it here, so
    /// what decides a plan's tokenizer (vocabulary, casing, the backbone's special tokens)
    /// is read in one place.
    public init(plan: Plan) throws {
        try self.init(vocabPath: plan.tokenizer.vocab.path, lowercase: plan.tokenizer.lowercase, specials: plan.tokenizer.specials)
    }
}

extension Plan {
    /// The most tokens, `[CLS]` and `[SEP]` included, that a sentence encodes to for `program`:
    /// the tokenizer's `max_length`, capped by the longest sequence the program was planned for.
    public func maxTokens(for program: Program) -> Int {
        min(tokenizer.maxLength, program.graph.maxSeq)
    }
}
