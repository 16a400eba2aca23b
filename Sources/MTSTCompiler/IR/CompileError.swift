/// Errors of the compile driver that are not tied to one node.
public enum CompileError: UserFacingError {
    case nothingToTrain(String)
    case located(SourceLocation, String)
    case file(String, String)

    public var description: String {
        switch self {
        case .nothingToTrain(let why): "nothing to train: \(why); unfreeze a parameter group or do not ask to train"
        case let .located(location, message): "\(location): \(message)"
        case let .file(path, message): "\(path): \(message)"
        }
    }
}
