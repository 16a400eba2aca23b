/// The top level of the spec: decodes each section, then checks what spans sections
/// (head/loss names, batch and sequence limits, parameter rules).
enum SpecDecoding {
    static let keys = ["name", "backbone", "tokenizer", "pooling", "normalize", "heads", "losses",
                       "optimizer", "training", "data", "compile", "distributed"]

    static func decode(_ node: YAMLNode, path: String) throws(SpecError) -> Spec {
        let table = LocationTable()
        let root = Field(node: node, keyPath: "", table: table)
        if root.isNull {
            throw .badValue(at: root.location, keyPath: "", message: "the spec is empty; it needs at least backbone and tokenizer")
        }
        let map = try root.map(allowed: keys)
        let fileStart = SourceLocation(file: path, line: 1, column: 1)

        let name = try decodeName(map.optional("name"), path: path, fileStart: fileStart)
        let backbone = try BackboneSpec.decode(try map.required("backbone"), specPath: path)
        let tokenizer = try TokenizerSpec.decode(try map.required("tokenizer"), specPath: path,
                                                 maxPositions: backbone.maxPositionEmbeddings,
                                                 positionOffset: backbone.architecture.positionOffset)
        let pooling = try map.optional("pooling")?.choice(PoolingKind.self, what: "pooling") ?? .mean
        let normalize = try map.optional("normalize")?.choice(NormalizeKind.self, what: "normalize") ?? .none

        var heads: [HeadSpec] = []
        for entry in try map.optional("heads")?.namedEntries() ?? [] {
            heads.append(try HeadSpec.decode(name: entry.key, keyLocation: entry.keyLocation, field: entry.field,
                                             hiddenSize: backbone.hiddenSize, specPath: path))
        }
        for entry in try map.optional("losses")?.namedEntries() ?? [] {
            guard let index = heads.firstIndex(where: { $0.name == entry.key }) else {
                throw .badValue(at: entry.keyLocation, keyPath: entry.field.keyPath,
                                message: "no head named '\(entry.key)' (\(Suggestion.hint(entry.key, in: heads.map(\.name))))")
            }
            heads[index].lossWeight = Float(try entry.field.nonNegativeDouble())
        }

        let optimizer = try OptimizerSpec.decode(map.optional("optimizer"), fileLocation: fileStart)

        let compileField = map.optional("compile")
        let compileMap = try compileField?.map(allowed: CompileOptions.keys)
        let explicitMaxBatch = try compileMap?.optional("max_batch")?.positiveInt()
        let training = try TrainingSpec.decode(map.optional("training"), defaultBatch: explicitMaxBatch ?? 32)
        if let head = heads.first(where: { $0.kind == .contrastive }), training.batchSize < 4 {
            let why = "a contrastive head needs at least 4: a batch holds batch_size / 2 pairs, and a pair alone has no in-batch negative (its loss is always 0)"
            if let f = try map.optional("training")?.map(allowed: TrainingSpec.keys).optional("batch_size") {
                throw f.bad("\(training.batchSize) is too small for head '\(head.name)': \(why)")
            }
            throw .badValue(at: head.location, keyPath: "heads.\(head.name)",
                            message: "training.batch_size is \(training.batchSize) (from compile.max_batch); \(why)")
        }
        var compile = try decodeCompile(compileMap, maxBatch: explicitMaxBatch, training: training, tokenizer: tokenizer)
        compile.quantize = try compileMap?.optional("quantize").flatMap { f throws(SpecError) in try QuantizeSpec.decode(f, specPath: path) }

        let distributed = try DistributedSpec.decode(map.optional("distributed"))
        let data = try map.optional("data").map { f throws(SpecError) in try DataSpec.decode(f, specPath: path, heads: heads) }
        if let data, let head = heads.first(where: { h in h.kind == .contrastive && !data.train.contains { $0.pairHead == h.name } }) {
            throw .badValue(at: head.location, keyPath: "heads.\(head.name)",
                            message: "contrastive head '\(head.name)' has no training pairs: add a data.train source with format pairs_jsonl or pairs_csv (pair_head: \(head.name))")
        }

        var spec = Spec(path: path, name: name, backbone: backbone, tokenizer: tokenizer, pooling: pooling,
                        normalize: normalize, heads: heads, optimizer: optimizer, training: training, data: data,
                        compile: compile, distributed: distributed, locations: table.entries)
        // Rules are checked against the model's real parameter list now, so a pattern that
        // selects nothing is reported when the spec is read, not halfway into a run.
        try ModelDescription.checkSize(of: spec)
        let params = ModelDescription.parameters(for: spec)
        let settings = try ParamRules.resolve(optimizer, params: params, numLayers: backbone.numLayers, epochs: training.epochs)
        spec.paramSettings = Dictionary(zip(params.map(\.path), settings)) { first, _ in first }
        return spec
    }

    private static func decodeCompile(_ map: FieldMap?, maxBatch: Int?, training: TrainingSpec,
                                      tokenizer: TokenizerSpec) throws(SpecError) -> CompileOptions {
        var options = CompileOptions(maxBatch: maxBatch ?? training.batchSize, maxSeq: tokenizer.maxLength)
        if let field = map?.optional("max_batch"), options.maxBatch < training.batchSize {
            throw field.bad("\(options.maxBatch) is smaller than training.batch_size \(training.batchSize); the compiled graph could not hold one batch")
        }
        if let field = map?.optional("max_seq") {
            options.maxSeq = try field.positiveInt()
            guard options.maxSeq >= 3 else { throw field.bad("must be at least 3 ([CLS], one token, [SEP]), got \(options.maxSeq)") }
            guard options.maxSeq <= tokenizer.maxLength else {
                throw field.bad("\(options.maxSeq) exceeds tokenizer.max_length \(tokenizer.maxLength)")
            }
        }
        return options
    }

    /// The name becomes a folder (`runs/<name>`) and appears in plans, so it must stay one
    /// harmless path component: no `/`, no `..`, no NUL, no leading dot, nothing a shell quotes.
    static func isSafeName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != ".", first != "-", name.utf8.count <= 100 else { return false }
        return name.unicodeScalars.allSatisfy { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-" || c == "."
        }
    }

    private static func decodeName(_ field: Field?, path: String, fileStart: SourceLocation) throws(SpecError) -> String {
        let rule = "names may use letters, digits, '_', '-' and '.', start with a letter, digit or '_', and have at most 100 characters (the name becomes the folder runs/<name>)"
        guard let field else {
            let name = defaultName(path)
            guard isSafeName(name) else {
                throw .badValue(at: fileStart, keyPath: "name",
                                message: "no name given and the file name '\(name)' is not a safe name; set name: explicitly; \(rule)")
            }
            return name
        }
        let name = try field.string()
        guard !name.isEmpty else { throw field.bad("cannot be empty") }
        guard isSafeName(name) else { throw field.bad("'\(name.escapingControlCharacters)' is not a safe name; \(rule)") }
        return name
    }

    /// `Graphs/multitask.yaml` → `multitask`.
    private static func defaultName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }
}
