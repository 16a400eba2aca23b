/// Everything that can be wrong with a spec. `description` is one line:
/// `Graphs/x.yaml:42:7: backbone.hidden_size: 390 is not divisible by num_heads 12`.
public enum SpecError: UserFacingError, Equatable {
    /// The spec file itself could not be read.
    case unreadable(file: String, reason: String)
    /// libyaml rejected the text (position is libyaml's problem mark, made 1-based).
    case syntax(at: SourceLocation, problem: String)
    /// `keyPath` includes the unknown key; `hint` is "did you mean …" or the list of valid keys.
    case unknownKey(at: SourceLocation, keyPath: String, hint: String)
    case duplicateKey(at: SourceLocation, keyPath: String, first: SourceLocation)
    /// `at` is the mapping that lacks the key; `keyPath` names the missing key.
    case missingKey(at: SourceLocation, keyPath: String)
    case wrongType(at: SourceLocation, keyPath: String, expected: String, got: String)
    case badValue(at: SourceLocation, keyPath: String, message: String)
    case badPattern(at: SourceLocation, keyPath: String, pattern: String, message: String)
    /// A Hugging Face config.json that is unreadable, malformed or lacks a needed key;
    /// `at` is the `backbone.config` value.
    case config(at: SourceLocation, keyPath: String, file: String, message: String)
    /// A file the spec names (vocab, weights, data) does not exist.
    case missingFile(at: SourceLocation, keyPath: String, file: String)

    public var location: SourceLocation {
        switch self {
        case .unreadable(let file, _): return SourceLocation(file: file)
        case .syntax(let at, _), .unknownKey(let at, _, _), .duplicateKey(let at, _, _),
             .missingKey(let at, _), .wrongType(let at, _, _, _), .badValue(let at, _, _),
             .badPattern(let at, _, _, _), .config(let at, _, _, _), .missingFile(let at, _, _):
            return at
        }
    }

    private static func prefix(_ keyPath: String) -> String {
        keyPath.isEmpty ? "" : "\(keyPath): "
    }

    /// One line whatever the spec holds: quoted values and keys are escaped (`String.escapingControlCharacters`).
    public var description: String { message.escapingControlCharacters }

    private var message: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read spec: \(reason)"
        case .syntax(let at, let problem):
            return "\(at): YAML syntax error: \(problem)"
        case .unknownKey(let at, let keyPath, let hint):
            let key = keyPath.split(separator: ".").last.map(String.init) ?? keyPath
            return "\(at): \(keyPath): unknown key '\(key)'\(hint.isEmpty ? "" : " (\(hint))")"
        case .duplicateKey(let at, let keyPath, let first):
            return "\(at): \(keyPath): duplicate key, first given at \(first.line):\(first.column)"
        case .missingKey(let at, let keyPath):
            let key = keyPath.split(separator: ".").last.map(String.init) ?? keyPath
            let parent = KeyPath.parent(keyPath)
            return "\(at): \(parent.isEmpty ? "" : "\(parent): ")missing required key '\(key)'"
        case .wrongType(let at, let keyPath, let expected, let got):
            return "\(at): \(Self.prefix(keyPath))expected \(expected), got \(got)"
        case .badValue(let at, let keyPath, let message):
            return "\(at): \(Self.prefix(keyPath))\(message)"
        case .badPattern(let at, let keyPath, let pattern, let message):
            return "\(at): \(keyPath): bad pattern '\(pattern)': \(message)"
        case .config(let at, let keyPath, let file, let message):
            return "\(at): \(keyPath): \(file): \(message)"
        case .missingFile(let at, let keyPath, let file):
            return "\(at): \(keyPath): \(file) does not exist"
        }
    }
}
