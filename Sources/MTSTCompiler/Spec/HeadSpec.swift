/// One task head: dropout then a linear layer over pooled or per-token features, or (contrastive)
/// a loss on the sentence embedding itself.
public struct HeadSpec: Sendable {
    /// One enum for spec and plan; each kind is a `Head` in `Architectures.heads`.
    public typealias Kind = TaskHead.Kind

    public enum Input: String, Sendable, CaseIterable, Codable {
        /// The sentence embedding: pooled, then normalized as `normalize` says (what `embed` prints).
        case embedding
        /// The pooling output before the normalization.
        case pooled
        /// The backbone's last hidden state, one row per token.
        case tokens
    }

    public enum Labels: Sendable, Equatable {
        /// The label set is collected from the training data at run time.
        case fromData
        case list([String])
    }

    public var name: String
    public var kind: Kind
    public var dropout: Float
    public var labels: Labels
    /// Weight of this head's loss in the summed training loss (`losses.<name>`, default 1).
    public var lossWeight: Float
    /// The head's key in `heads`.
    public var location: SourceLocation

    /// The label list when it is fixed in the spec, nil for `from_data`.
    public var explicitLabels: [String]? {
        if case .list(let labels) = labels { return labels }
        return nil
    }

    /// Classification and contrastive heads read `embedding` (default) or `pooled`; tagging heads read `tokens`.
    public var input: Input = .embedding
    /// Contrastive heads: the factor on cosine similarities before the softmax (`scale`, default 20).
    public var scale: Float = 20

    /// Tagging heads only: a linear-chain CRF over the logits (`crf: true`) replaces the per-token
    /// softmax: its loss is the sentence's negative log-likelihood and decoding is Viterbi.
    public var crf = false

    /// `weights`: a safetensors file (a run's `heads.safetensors` or `checkpoint.safetensors`)
    /// whose tensors `heads.<name>.*` the head starts from instead of its seeded init; resolved
    /// against the spec's directory. The file's label list for the head must be the plan's.
    public var weights: Located<String>?

    static let keys = ["type", "input", "dropout", "labels", "crf", "scale", "weights"]
}

extension HeadSpec {
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    static func decode(name: String, keyLocation: SourceLocation, field: Field, hiddenSize: Int,
                       specPath: String) throws(SpecError) -> HeadSpec {
        guard isValidName(name) else {
            throw .badValue(at: keyLocation, keyPath: field.keyPath,
                            message: "head names must match [a-z_][a-z0-9_]* (they become parameter paths heads.<name>.weight)")
        }
        let map = try field.map(allowed: keys)
        let kind = try map.required("type").choice(Kind.self, what: "head type")
        var head = HeadSpec(name: name, kind: kind, dropout: 0.1, labels: .fromData, lossWeight: 1, location: keyLocation)
        head.input = kind == .tagging ? .tokens : .embedding
        if kind == .contrastive {
            if let f = map.optional("weights") {
                throw f.bad("a contrastive head has no parameters to load: it is a loss on the sentence embedding")
            }
            for key in ["dropout", "labels"] {
                if let f = map.optional(key) {
                    throw f.bad("a contrastive head has no \(key): it trains the sentence embedding from (anchor, positive) pairs, with no classifier")
                }
            }
            head.dropout = 0
            head.labels = .list([])
        } else if let f = map.optional("scale") {
            throw f.bad("only contrastive heads have a scale")
        }
        if let scale = map.optional("scale") {
            let value = try scale.positiveDouble()
            guard value <= 1000 else { throw scale.bad("must be at most 1000 (scores of scale × cosine feed exp), got \(value)") }
            head.scale = Float(value)
        }
        if let inputField = map.optional("input") {
            let input = try inputField.choice(Input.self, what: "head input")
            let tokens = "per-token features [B,T,\(hiddenSize)]"
            if kind == .tagging, input != .tokens {
                throw inputField.bad("a tagging head expects \(tokens), got \(input.rawValue) [B,\(hiddenSize)]")
            }
            if kind != .tagging, input == .tokens {
                throw inputField.bad("a \(kind.rawValue) head expects a sentence vector [B,\(hiddenSize)] (embedding or pooled), got \(tokens)")
            }
            head.input = input
        }
        if let crfField = map.optional("crf") {
            head.crf = try crfField.bool()
            if head.crf, kind != .tagging {
                throw crfField.bad("a CRF scores tag sequences: crf: true needs type: tagging, this head is \(kind.rawValue)")
            }
        }
        if let dropout = map.optional("dropout") { head.dropout = Float(try dropout.unitInterval()) }
        if let labels = map.optional("labels") { head.labels = try decodeLabels(labels) }
        head.weights = try map.optional("weights").map { f throws(SpecError) in
            f.located(SpecPaths.resolve(try f.string(), relativeTo: specPath))
        }
        return head
    }

    private static func decodeLabels(_ field: Field) throws(SpecError) -> Labels {
        if case .scalar = field.node.value {
            guard try field.string() == "from_data" else { throw field.bad("expected from_data or a list of label strings") }
            return .fromData
        }
        let items = try field.list()
        guard !items.isEmpty else { throw field.bad("an explicit label list needs at least one label") }
        var labels: [String] = []
        for item in items {
            let label = try item.string()
            guard !label.isEmpty else { throw item.bad("labels cannot be empty strings") }
            if let first = labels.firstIndex(of: label) {
                throw item.bad("label '\(label)' already given at index \(first)")
            }
            labels.append(label)
        }
        return .list(labels)
    }
}
