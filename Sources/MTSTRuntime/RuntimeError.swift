import MTSTCompiler

/// Runtime errors that belong to no one reader: they name the file the user gave (a plan, a
/// checkpoint) and say what about it does not fit.
public enum RuntimeError: UserFacingError {
    /// A checkpoint whose label vocabularies are not the plan's.
    case checkpointLabels(String)
    /// A plan that cannot run what was asked of it (a benchmark's sizes or memory).
    case plan(String, any UserFacingError)
    /// A spec's training file that is needed (for its labels) and absent, at the spec's key.
    case missingData(SourceLocation, keyPath: String, path: String)
    /// A plan whose backbone this mtstc does not know (the verifier refuses such plans first).
    case unknownArchitecture(String, name: String)
    /// `--precision int8` on a plan compiled without quantization.
    case noInt8Program(String)

    public var description: String {
        switch self {
        case .checkpointLabels(let path): "\(path): its label vocabularies differ from the plan's; compile the spec that trained it"
        case let .plan(path, error): "\(path): \(error.description)"
        case let .missingData(location, keyPath, path): "\(location): \(keyPath): \(path) not found; run Scripts/fetch-assets.sh"
        case let .unknownArchitecture(path, name):
            "\(path): unknown architecture '\(name)' (known: \(Architectures.backbones.map { $0.name }.joined(separator: ", ")))"
        case .noInt8Program(let path):
            "\(path): the plan has no int8 program; compile the spec with --quantize int8 (or compile.quantize: int8)"
        }
    }
}
