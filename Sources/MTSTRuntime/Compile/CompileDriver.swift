import Foundation
import MTSTCompiler

/// `mtstc compile` from the runtime's side: reads what the compiler needs from files (the
/// vocabulary's size, the label sets in the training data, the checksums, the weights header)
/// and hands it to `Compiler.compile`, which does the compiling.
public enum CompileDriver {
    public struct Options {
        public var dumpAfter: String?
        public var dump: (String) -> Void = { _ in }
        /// Compute SHA-256 of weights and vocabulary (off only in tests that fake files).
        public var checksums = true
        /// The predicted peak memory may not exceed `limits.maxMemory` (`--max-memory`).
        public var limits = PlanLimits()
        public init(dumpAfter: String? = nil, dump: @escaping (String) -> Void = { _ in }) {
            self.dumpAfter = dumpAfter
            self.dump = dump
        }
    }

    public static func compile(specPath: String, options: Options = Options()) throws -> Plan {
        let spec = try Spec.load(path: specPath)
        return try compile(spec: spec, options: options)
    }

    public static func compile(spec: Spec, options: Options = Options()) throws -> Plan {
        let compilerOptions = Compiler.Options(dumpAfter: options.dumpAfter, dump: options.dump, limits: options.limits)
        try compilerOptions.validate(for: spec)
        try spec.checkFilesExist(includeData: false)
        let vocabulary = try Vocabulary(contentsOfFile: spec.tokenizer.vocab.value)
        let labels = try TrainingData.labelSources(spec).labels
        func file(_ path: String) throws -> FileRef {
            FileRef(path: Compiler.absolute(path), sha256: options.checksums ? try FileDigest.sha256(path: path) : "")
        }
        let inputs = CompileInputs(
            vocabularySize: vocabulary.count, labels: labels, vocab: try file(spec.tokenizer.vocab.value),
            weights: try spec.backbone.weights.map { try file($0.value) },
            checkWeights: { params in try spec.backbone.weights.map { try checkWeights($0, params: params) } })
        return try Compiler.compile(spec, inputs: inputs, options: compilerOptions)
    }

    /// Every tensor the model takes from the weights file must be there with a float dtype and
    /// the spec's shape. Only the header is read, and a mismatch points at `backbone.weights`,
    /// instead of surfacing at the first `run` or `embed` with no position.
    static func checkWeights(_ weights: Located<String>, params: [ParamEntry]) throws {
        do {
            let header = try SafeTensorFile.readHeader(path: weights.value)
            _ = try CheckpointNames.match(params, tensors: header, file: weights.value, requireHeads: false)
        } catch let error as any UserFacingError {
            throw CompileError.located(weights.location, "\(weights.keyPath): \(error.description)")
        }
    }
}
