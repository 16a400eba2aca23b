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
        /// `--quantize`: overrides `compile.quantize`'s type (`none` compiles fp32 only).
        public var quantize: QuantizeSpec.Kind?
        /// `--calibration FILE`: the guard's sentences, over `compile.quantize.calibration`.
        public var calibration: String?
        /// The accuracy guard's progress lines.
        public var log: (String) -> Void = { _ in }
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
        var spec = spec
        if let kind = options.quantize {
            spec.compile.quantize = kind == .none ? nil : spec.compile.quantize ?? QuantizeSpec(kind: kind)
        }
        if let file = options.calibration, spec.compile.quantize == nil {
            throw CompileError.file(file, "--calibration: the spec is not quantized; add --quantize int8 (or compile.quantize: int8)")
        }
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
        if let settings = spec.compile.quantize {
            let int8 = try quantize(spec, plan, settings, options: options, compilerOptions: compilerOptions)
            try Compiler.attach(int8, to: &plan, spec: spec, limits: options.limits)
        }
        return plan
    }

    /// Runs the accuracy guard on the calibration sentences and returns the int8 program it keeps.
    static func quantize(_ spec: Spec, _ plan: Plan, _ settings: QuantizeSpec, options: Options,
                         compilerOptions: Compiler.Options) throws -> QuantizedInference {
        let calibration: CalibrationSet
        if let file = options.calibration {
            calibration = try CalibrationSet.file(file, limit: settings.calibrationSize)
        } else if let file = settings.calibration {
            guard FileManager.default.fileExists(atPath: file.value) else {
                throw SpecError.missingFile(at: file.location, keyPath: file.keyPath, file: file.value)
            }
            calibration = try CalibrationSet.file(file.value, limit: settings.calibrationSize)
        } else if let data = try CalibrationSet.data(of: plan, limit: settings.calibrationSize) {
            calibration = data
        } else {
            throw CalibrationError.none(spec.location(of: "compile.quantize"))
        }
        let model = try Model(plan: plan, verifyChecksums: false)
        var guardian = QuantizationGuard(spec: spec, plan: plan, model: model, settings: settings)
        guardian.log = options.log
        guardian.compilerOptions = compilerOptions
        return try guardian.run(calibration)
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
