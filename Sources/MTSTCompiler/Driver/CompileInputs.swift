/// What compiling a spec needs besides the spec, read by the runtime (which owns the vocabulary,
/// data and safetensors readers): the compiler itself reads no file but the spec.
public struct CompileInputs {
    /// Tokens in `tokenizer.vocab`; every token id needs an embedding row.
    public var vocabularySize: Int
    /// Label sets of the heads whose labels come from the training data (`labels: from_data`).
    public var labels: [String: [String]]
    /// The vocabulary and weights files as the plan records them (absolute path, checksum; the
    /// runtime may fill the checksums in after compiling, once every cheaper check has passed).
    public var vocab: FileRef
    public var weights: FileRef?
    /// `heads.<name>.weights`, in the spec's head order.
    public var headWeights: [HeadWeights] = []
    /// Checks the weights file against the final parameter table (names, shapes, dtypes), so a
    /// mismatch is reported at compile time; the runtime knows the file format.
    public var checkWeights: ([ParamEntry]) throws -> Void

    public init(vocabularySize: Int, labels: [String: [String]], vocab: FileRef, weights: FileRef? = nil,
                checkWeights: @escaping ([ParamEntry]) throws -> Void = { _ in }) {
        self.vocabularySize = vocabularySize
        self.labels = labels
        self.vocab = vocab
        self.weights = weights
        self.checkWeights = checkWeights
    }
}
