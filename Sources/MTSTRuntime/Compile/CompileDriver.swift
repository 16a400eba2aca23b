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
        let vocabulary = try Vocabulary(contentsOfFile: spec.tokenizer.vocab.value, specials: spec.backbone.architecture.tokenizer.specials)
        let labels = try TrainingData.labelSources(spec).labels
        var inputs = CompileInputs(
            vocabularySize: vocabulary.count, labels: labels,
            vocab: FileRef(path: Compiler.absolute(spec.tokenizer.vocab.value), sha256: ""),
            weights: spec.backbone.weights.map { FileRef(path: Compiler.absolute($0.value), sha256: "") },
            checkWeights: { params in try spec.backbone.weights.map { try checkWeights($0, params: params, backbone: spec.backbone.architecture) } })
        let headFiles = spec.heads.compactMap { h in h.weights.map { (head: h.name, file: $0) } }
        inputs.headWeights = headFiles.map { HeadWeights(head: $0.head, file: FileRef(path: Compiler.absolute($0.file.value), sha256: "")) }
        var plan = try Compiler.compile(spec, inputs: inputs, options: compilerOptions)
        try checkHeadWeights(plan, files: headFiles.map { $0.file })
        // Hashing reads the whole weights file: it comes after every check, which read headers only.
        if options.checksums {
            plan.tokenizer.vocab.sha256 = try FileDigest.sha256(path: spec.tokenizer.vocab.value)
            if let weights = spec.backbone.weights { plan.weights?.sha256 = try FileDigest.sha256(path: weights.value) }
            for (i, file) in headFiles.enumerated() { plan.headWeights?[i].file.sha256 = try FileDigest.sha256(path: file.file.value) }
        }
        return plan
    }

    /// Each `heads.<name>.weights` file against the compiled plan: the head's tensors (names,
    /// shapes, dtypes) from the header, and its label list, which for `labels: from_data` is
    /// known only now. A mismatch points at the spec key.
    static func checkHeadWeights(_ plan: Plan, files: [Located<String>]) throws {
        for (recorded, file) in zip(plan.headWeights ?? [], files) {
            // Read and named by the spec's path, as `backbone.weights` is; the plan keeps it absolute.
            let weights = HeadWeights(head: recorded.head, file: FileRef(path: file.value, sha256: ""))
            do {
                try HeadWeightsFile.check(weights, params: plan.params, heads: plan.model.taskHeads)
            } catch let error as any UserFacingError {
                throw CompileError.located(file.location, "\(file.keyPath): \(error.description)")
            }
        }
    }

    /// Every tensor the model takes from the weights file must be there with a float dtype and
    /// the spec's shape. Only the header is read, and a mismatch points at `backbone.weights`,
    /// instead of surfacing at the first `run` or `embed` with no position.
    static func checkWeights(_ weights: Located<String>, params: [ParamEntry], backbone: any Backbone.Type) throws {
        do {
            let header = try SafeTensorFile.readHeader(path: weights.value)
            _ = try CheckpointNames.match(params, backbone: backbone, tensors: header, file: weights.value, requireHeads: false)
        } catch let error as any UserFacingError {
            throw CompileError.located(weights.location, "\(weights.keyPath): \(error.description)")
        }
    }
}
