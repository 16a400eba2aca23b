import MTSTCompiler

/// What `mtstc compare` refuses, each one line naming the file or folder.
public enum CompareError: UserFacingError, Equatable {
    case noSpecs
    case sameName(String, String, folder: String)
    case foreign(folder: String, entry: String)
    case notAFolder(String, String)
    case noTraining(spec: String)
    case specChanged(spec: String, folder: String)
    case limitDiffers(run: String, requested: Int?, stored: Int?)
    case metrics(file: String, line: Int, String)
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .noSpecs: "compare needs at least one spec"
        case let .sameName(a, b, folder):
            "\(a) and \(b) would both write into \(folder); give the spec files different names"
        case let .foreign(folder, entry):
            "\(folder): holds '\(entry)', which mtstc compare did not write; choose an empty or new --out"
        case let .notAFolder(path, kind): "\(path): \(kind) is in the way; --out must name a folder"
        case .noTraining(let spec): "\(spec): the spec has no data.train, so there is nothing to compare"
        case let .specChanged(spec, folder):
            "\(spec): compiles to a different plan than the one \(folder)/run was trained with (the spec or a file it names changed); remove \(folder) to retrain it, or compare into another --out"
        case let .limitDiffers(run, requested, stored):
            "\(run): was trained with \(stored.map { "--limit \($0)" } ?? "the full data"), not \(requested.map { "--limit \($0)" } ?? "the full data"); use the same --limit, or compare into another --out"
        case let .metrics(file, line, why): "\(file):\(line): \(why)"
        case let .unreadable(file, why): "\(file): cannot read: \(why)"
        }
    }
}
