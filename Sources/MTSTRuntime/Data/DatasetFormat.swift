/// The data file formats, by the name a spec or command line uses for them.
public enum DatasetFormat: String, Sendable, Codable, CaseIterable {
    case atis
    case conll
    case jsonl

    public func read(path: String) throws(DataError) -> [Example] {
        switch self {
        case .atis: try ATISReader.read(path: path)
        case .conll: try CoNLLReader.read(path: path)
        case .jsonl: try JSONLinesReader.read(path: path)
        }
    }
}
