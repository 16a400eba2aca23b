import Foundation
import MTSTCompiler

/// The files that make a run's snapshot (and, through `RunFolder`'s views, the run folder) a
/// sentence-transformers model folder: `SentenceTransformer(run_dir)` loads it, and
/// `BertModel` / `DistilBertModel` / `MPNetModel.from_pretrained(run_dir)` finds every tensor it
/// expects and no other.
///
/// - `model.safetensors`: the backbone under its Hugging Face names, plus `pooler.dense.*` for
///   the classes that have BERT's pooler. mtstc never computes or trains the pooler (no
///   embedding reads it: sentence-transformers pools the last hidden state), so it is the
///   source weights' pooler unchanged when they have one, else zeros: an untrained pooler that
///   says so, rather than random values that look trained.
/// - `heads.safetensors`: the task heads and the pooling norm under mtstc names, with the label
///   vocabularies in the metadata: beside the backbone, not inside it.
/// - `config.json` from the plan's model through the backbone's `configKeys` (so reading it back
///   as `backbone.config` gives the same shapes), `vocab.txt` (the plan's, byte for byte),
///   `tokenizer_config.json`, `special_tokens_map.json`, `modules.json`,
///   `sentence_bert_config.json`, `1_Pooling/config.json`, and `2_Normalize/` for `normalize: l2`
///   or `2_LayerNorm/` for `normalize: layernorm`.
///
/// Everything is written in sentence-transformers' long-standing layout (`sentence_transformers.models.*`),
/// which every version from 2 to 6 reads. mtstc reads none of these files back: resuming and
/// `predict` use `checkpoint.safetensors`.
struct SentenceTransformersFolder {
    static let weights = "model.safetensors"
    static let heads = "heads.safetensors"
    static let config = "config.json"
    static let pooling = "1_Pooling"
    static let normalize = "2_Normalize"
    static let layerNorm = "2_LayerNorm"
    /// Every name this writes, top-level files first; `RunFolder` owns them.
    static let files = [config, "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "modules.json",
                        "sentence_bert_config.json", weights, heads, pooling + "/config.json",
                        layerNorm + "/config.json", layerNorm + "/model.safetensors"]
    static let directories = [pooling, normalize, layerNorm]

    let model: Model
    let backbone: any Backbone.Type
    let vocab: Data
    /// `pooler.dense.weight` and `.bias` as the file will hold them (empty without a pooler).
    let pooler: [(name: String, shape: [Int], data: [Float])]

    /// Reads what the model does not hold: the vocabulary file's bytes and the source weights'
    /// pooler. Read once per run, so a snapshot never depends on those files still being there.
    init(model: Model) throws {
        self.model = model
        let plan = model.plan
        guard let backbone = plan.model.backbone else {
            throw RuntimeError.unknownArchitecture(plan.specPath, name: plan.model.architecture)
        }
        self.backbone = backbone
        do { vocab = try InputFile.read(plan.tokenizer.vocab.path) } catch {
            throw TrainingError.folder(plan.tokenizer.vocab.path, "cannot read the vocabulary to export it: \(error.reason)")
        }
        guard backbone.huggingFace.pooler else {
            pooler = []
            return
        }
        let h = plan.model.hidden
        let wanted: [(name: String, shape: [Int])] = [("pooler.dense.weight", [h, h]), ("pooler.dense.bias", [h])]
        var source: SafeTensorFile?
        if let weights = plan.weights {
            let names = Set(wanted.flatMap { w in [w.name] + backbone.checkpointPrefixes.map { $0 + w.name } })
            source = try SafeTensorFile.read(path: weights.path, only: names.contains)
        }
        pooler = wanted.map { w in
            let found = ([""] + backbone.checkpointPrefixes).lazy.compactMap { source?.tensors[$0 + w.name] }.first
            if let found, CheckpointNames.fits(found.shape, w.shape), found.data.allSatisfy(\.isFinite) {
                return (w.name, w.shape, found.data)
            }
            return (w.name, w.shape, [Float](repeating: 0, count: w.shape.reduce(1, *)))
        }
    }

    /// Writes every file into `dir` (a staged snapshot).
    func write(into dir: String) throws {
        try writeWeights(to: dir + "/" + Self.weights)
        try writeHeads(to: dir + "/" + Self.heads)
        try AtomicFile.write(Array(vocab), to: dir + "/vocab.txt")
        try text(configJSON(), dir + "/" + Self.config)
        try text(Self.json(tokenizerConfig()), dir + "/tokenizer_config.json")
        try text(Self.json(specialTokens()), dir + "/special_tokens_map.json")
        try text(modulesJSON(), dir + "/modules.json")
        try text(Self.json([("max_seq_length", "\(maxSeqLength)"), ("do_lower_case", "false")]), dir + "/sentence_bert_config.json")
        try directory(dir + "/" + Self.pooling)
        try text(Self.json(poolingConfig()), dir + "/" + Self.pooling + "/config.json")
        let m = model.plan.model
        switch m.normalize {
        case .l2: try directory(dir + "/" + Self.normalize)
        case .layerNorm:
            try directory(dir + "/" + Self.layerNorm)
            try text(Self.json([("dimension", "\(m.hidden)")]), dir + "/" + Self.layerNorm + "/config.json")
            try writeLayerNorm(to: dir + "/" + Self.layerNorm + "/model.safetensors")
        case .none: break
        }
    }

    /// The tokens `mtstc embed` keeps: the tokenizer's maximum, or the inference program's if shorter.
    var maxSeqLength: Int { model.plan.maxTokens(for: model.plan.inference) }

    // MARK: Weights

    private func writeWeights(to path: String) throws {
        var tensors: [SafeTensorsWriter.TensorView] = []
        for (i, p) in model.plan.params.enumerated() {
            guard let name = p.checkpointName, !Self.isMtstcName(name) else { continue }
            tensors.append((name, p.shape, UnsafeBufferPointer(start: model.store.pointer(i), count: p.count)))
        }
        try withViews(pooler, &tensors) { try SafeTensorsWriter.write(path: path, tensors: $0, metadata: ["format": "pt"]) }
    }

    private func writeHeads(to path: String) throws {
        var tensors: [SafeTensorsWriter.TensorView] = []
        for (i, p) in model.plan.params.enumerated() {
            guard let name = p.checkpointName, Self.isMtstcName(name) else { continue }
            tensors.append((name, p.shape, UnsafeBufferPointer(start: model.store.pointer(i), count: p.count)))
        }
        try SafeTensorsWriter.write(path: path, tensors: tensors,
                                    metadata: ["format": "pt", Checkpoint.labelsKey: Checkpoint.labelsJSON(model.plan.model.taskHeads)])
    }

    /// sentence-transformers' LayerNorm module: `norm.weight`, `norm.bias`.
    private func writeLayerNorm(to path: String) throws {
        var tensors: [SafeTensorsWriter.TensorView] = []
        for (i, p) in model.plan.params.enumerated() where p.path.hasPrefix("pooling.norm.") {
            tensors.append(("norm." + p.path.dropFirst("pooling.norm.".count), p.shape,
                            UnsafeBufferPointer(start: model.store.pointer(i), count: p.count)))
        }
        try SafeTensorsWriter.write(path: path, tensors: tensors, metadata: ["format": "pt"])
    }

    /// Heads and the pooling norm keep mtstc names; everything else is the backbone's.
    static func isMtstcName(_ name: String) -> Bool { name.hasPrefix("heads.") || name.hasPrefix("pooling.") }

    private func withViews(_ arrays: [(name: String, shape: [Int], data: [Float])], _ views: inout [SafeTensorsWriter.TensorView],
                           _ body: ([SafeTensorsWriter.TensorView]) throws -> Void) throws {
        guard let first = arrays.first else { return try body(views) }
        try first.data.withUnsafeBufferPointer { buffer in
            views.append((first.name, first.shape, buffer))
            try withViews(Array(arrays.dropFirst()), &views, body)
        }
    }

    // MARK: JSON

    /// `config.json`: every key the backbone reads from a config, from the plan's model, then
    /// the values mtstc requires, the pad id, the class and the model type.
    func configJSON() -> String {
        let m = model.plan.model
        let hf = backbone.huggingFace
        var fields: [String: String] = [:]
        for (specKey, configKey) in backbone.configKeys {
            if let value = Self.configValue(specKey, m) { fields[configKey] = value }
        }
        fields.merge(backbone.requiredConfig) { $1 }
        fields["pad_token_id"] = "\(model.tokenizer.vocabulary.padId)"
        fields.merge(hf.fixedConfig) { $1 }
        fields["architectures"] = "[\(JSONText.quote(hf.modelClass))]"
        fields["model_type"] = JSONText.quote(backbone.modelTypes[0])
        fields["dtype"] = JSONText.quote("float32")
        return Self.json(fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// The plan's value of a `backbone:` spec key, as JSON text; nil for a key the model does not keep.
    static func configValue(_ specKey: String, _ m: ModelConfig) -> String? {
        switch specKey {
        case "vocab_size": "\(m.vocabSize)"
        case "hidden_size": "\(m.hidden)"
        case "num_layers": "\(m.layers)"
        case "num_heads": "\(m.heads)"
        case "intermediate_size": "\(m.intermediate)"
        case "max_position_embeddings": "\(m.maxPositions)"
        case "type_vocab_size": "\(m.typeVocabSize)"
        case "layer_norm_eps": "\(m.layerNormEps)"
        case "activation": JSONText.quote(BackboneSpec.Activation.gelu.rawValue)
        case "hidden_dropout": "\(m.hiddenDropout)"
        case "attention_dropout": "\(m.attentionDropout)"
        case "init_std": "\(m.initStd)"
        default: nil
        }
    }

    private func specialTokens() -> [(String, String)] {
        let s = model.plan.tokenizer.specials
        var tokens = [("cls_token", s.cls), ("sep_token", s.sep), ("pad_token", s.pad), ("unk_token", s.unk)]
        let mask = backbone.huggingFace.maskToken
        if model.tokenizer.vocabulary.id(of: mask) != nil { tokens.append(("mask_token", mask)) }
        // MPNet's tokenizer also names its sequence tokens as BOS and EOS.
        if s.cls != TokenizerDefaults.wordPiece.cls { tokens += [("bos_token", s.cls), ("eos_token", s.sep)] }
        return tokens.map { ($0.0, JSONText.quote($0.1)) }
    }

    private func tokenizerConfig() -> [(String, String)] {
        let lowercase = model.plan.tokenizer.lowercase
        return [("tokenizer_class", JSONText.quote(backbone.huggingFace.tokenizerClass)),
                ("do_lower_case", "\(lowercase)"), ("do_basic_tokenize", "true"), ("tokenize_chinese_chars", "true"),
                ("strip_accents", "null"), ("model_max_length", "\(maxSeqLength)"),
                ("clean_up_tokenization_spaces", "false")] + specialTokens()
    }

    private func poolingConfig() -> [(String, String)] {
        let pooling = model.plan.model.pooling
        return [("word_embedding_dimension", "\(model.plan.model.hidden)"),
                ("pooling_mode_cls_token", "\(pooling == .cls)"), ("pooling_mode_mean_tokens", "\(pooling == .mean)"),
                ("pooling_mode_max_tokens", "\(pooling == .max)"), ("pooling_mode_mean_sqrt_len_tokens", "false"),
                ("pooling_mode_weightedmean_tokens", "false"), ("pooling_mode_lasttoken", "false"), ("include_prompt", "true")]
    }

    func modulesJSON() -> String {
        var modules = [("Transformer", ""), ("Pooling", Self.pooling)]
        switch model.plan.model.normalize {
        case .l2: modules.append(("Normalize", Self.normalize))
        case .layerNorm: modules.append(("LayerNorm", Self.layerNorm))
        case .none: break
        }
        let rows = modules.enumerated().map { i, module in
            "  " + Self.json([("idx", "\(i)"), ("name", JSONText.quote("\(i)")), ("path", JSONText.quote(module.1)),
                               ("type", JSONText.quote("sentence_transformers.models.\(module.0)"))], indent: "  ")
        }
        return "[\n" + rows.joined(separator: ",\n") + "\n]\n"
    }

    /// A JSON object of (key, JSON text) pairs in the given order, one key per line.
    static func json(_ fields: [(String, String)], indent: String = "") -> String {
        let body = fields.map { "\(indent)  \(JSONText.quote($0.0)): \($0.1)" }.joined(separator: ",\n")
        return "{\n" + body + "\n\(indent)}" + (indent.isEmpty ? "\n" : "")
    }

    private func text(_ text: String, _ path: String) throws { try AtomicFile.write(Array(text.utf8), to: path) }

    private func directory(_ path: String) throws {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST && FileKind.of(path) == .directory else {
            throw TrainingError.folder(path, "cannot create the folder: \(POSIXFailure.current)")
        }
    }
}
