/// `compile.quantize`: compile a second inference program whose backbone linear layers run in
/// int8 (`QuantizePass`), guarded by a measured comparison with fp32 on calibration sentences.
/// Either the short form `quantize: int8` or a mapping with the guard's settings:
/// `{type: int8, min_cosine: 0.995, calibration: sentences.txt, calibration_size: 512}`.
public struct QuantizeSpec: Sendable, Equatable {
    /// What the layers become; `none` (spec or `--quantize none`) compiles fp32 only.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case int8
        case none
    }

    public var kind: Kind = .int8
    /// Layers stay fp32 until the worst cosine between int8 and fp32 sentence embeddings on the
    /// calibration sentences is at least this.
    public var minCosine: Double = QuantizeSpec.defaultMinCosine
    /// A text file, one sentence per line; nil: the spec's evaluation data (else its training data).
    public var calibration: Located<String>?
    /// At most this many calibration sentences (the first ones).
    public var calibrationSize: Int = QuantizeSpec.defaultCalibrationSize

    public static let defaultMinCosine = 0.995
    public static let defaultCalibrationSize = 512
    /// A guard run embeds every calibration sentence once per layer it measures; past this it
    /// would take hours, not a compile.
    public static let maxCalibrationSize = 100_000
    static let keys = ["type", "min_cosine", "calibration", "calibration_size"]

    public init(kind: Kind = .int8) { self.kind = kind }

    static func decode(_ field: Field, specPath: String) throws(SpecError) -> QuantizeSpec? {
        if case .scalar = field.node.value {
            let kind = try field.choice(Kind.self, what: "quantization")
            return kind == .none ? nil : QuantizeSpec(kind: kind)
        }
        let map = try field.map(allowed: keys)
        var spec = QuantizeSpec(kind: try map.required("type").choice(Kind.self, what: "quantization"))
        if let f = map.optional("min_cosine") {
            spec.minCosine = try f.double()
            guard spec.minCosine > 0, spec.minCosine <= 1 else {
                throw f.bad("must be in (0, 1] (the worst cosine between int8 and fp32 embeddings to accept), got \(spec.minCosine)")
            }
        }
        if let f = map.optional("calibration_size") {
            spec.calibrationSize = try f.positiveInt()
            guard spec.calibrationSize <= maxCalibrationSize else {
                throw f.bad("\(spec.calibrationSize) sentences is more than the guard handles (at most \(maxCalibrationSize))")
            }
        }
        spec.calibration = try map.optional("calibration").map { f throws(SpecError) in
            let path = try f.string()
            guard !path.isEmpty else { throw f.bad("cannot be empty; give a text file with one sentence per line") }
            return f.located(SpecPaths.resolve(path, relativeTo: specPath))
        }
        return spec.kind == .none ? nil : spec
    }
}
