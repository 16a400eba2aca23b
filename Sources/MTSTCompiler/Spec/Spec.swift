import Foundation

/// A validated model/training spec: everything `mtstc` needs to lower a graph, train and
/// evaluate, with the YAML position of every value kept for error messages.
public struct Spec: Sendable {
    /// The spec file as given (relative paths inside it were resolved against its directory).
    public var path: String
    public var name: String
    public var backbone: BackboneSpec
    public var tokenizer: TokenizerSpec
    public var pooling: PoolingKind
    public var normalize: NormalizeKind
    /// In the order the YAML lists them.
    public var heads: [HeadSpec]
    public var optimizer: OptimizerSpec
    public var training: TrainingSpec
    public var data: DataSpec?
    public var compile: CompileOptions
    /// `distributed:` (gradient buckets, ZeRO); defaults when absent.
    public var distributed = DistributedSpec()
    /// Dotted key path (`heads.slots.input`, `optimizer.rules[2].params[0]`) → where its value
    /// is. Values taken from a config.json point at the `backbone.config` value.
    public var locations: [String: SourceLocation]
    /// Parameter path → what the optimizer does with it: `optimizer`'s rules resolved once,
    /// when the spec is read. The compiler copies each onto its parameter; nothing resolves
    /// the rules again.
    public var paramSettings: [String: ParamSetting] = [:]

    /// Where `keyPath` was given; falls back to the nearest enclosing key, then the file.
    public func location(of keyPath: String) -> SourceLocation {
        var path = keyPath
        while !path.isEmpty {
            if let location = locations[path] { return location }
            path = KeyPath.parent(path)
        }
        return SourceLocation(file: self.path)
    }

    public func head(named name: String) -> HeadSpec? {
        heads.first { $0.name == name }
    }

    /// Reads and validates the spec at `path`.
    public static func load(path: String) throws(SpecError) -> Spec {
        let data: Data
        do {
            data = try InputFile.read(path, limit: YAMLReader.maxBytes, what: "spec")
        } catch {
            throw .unreadable(file: path, reason: error.reason)
        }
        return try parse(data: data, path: path)
    }

    /// Validates the bytes of a spec file already in memory, as `load(path:)` does after reading them.
    public static func parse(data: Data, path: String) throws(SpecError) -> Spec {
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: path, reason: "not UTF-8 text")
        }
        return try parse(yaml: text, path: path)
    }

    /// Validates YAML text as if it were the file at `path` (relative paths in it resolve
    /// against `path`'s directory; messages name `path`).
    public static func parse(yaml: String, path: String) throws(SpecError) -> Spec {
        let root = try YAMLReader.read(yaml, file: path)
        return try SpecDecoding.decode(root, path: path)
    }

    /// Checks that the files the spec names exist: the vocab, the backbone's and heads' weights if any, and (when
    /// `includeData`) every data source. Parsing does not, so a spec can be compiled on a
    /// machine without the assets.
    public func checkFilesExist(includeData: Bool = true) throws(SpecError) {
        var files: [Located<String>] = [tokenizer.vocab]
        if let weights = backbone.weights { files.append(weights) }
        files += heads.compactMap(\.weights)
        if includeData, let data {
            files += (data.train + data.eval).map(\.path)
        }
        for file in files where !FileManager.default.fileExists(atPath: file.value) {
            throw .missingFile(at: file.location, keyPath: file.keyPath, file: file.value)
        }
    }
}
