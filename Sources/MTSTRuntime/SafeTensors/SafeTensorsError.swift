import MTSTCompiler

/// A problem with one safetensors file; `description` names the file and, where it applies, the tensor.
public struct SafeTensorsError: UserFacingError, Equatable {
    public enum Kind: Sendable, Equatable {
        case fileNotFound
        case unreadable(reason: String)
        case truncated(reason: String)
        case headerNotJSON(reason: String)
        case badEntry(tensor: String, reason: String)
        case unsupportedDtype(tensor: String, dtype: String)
        case offsetsOutOfRange(tensor: String, begin: Int, end: Int, dataSize: Int)
        case sizeMismatch(tensor: String, expectedBytes: Int, actualBytes: Int)
        case overlapping(tensor: String, other: String)
        case missingTensor(name: String)
        case notFloat(tensor: String, dtype: String)
        case invalidTensor(tensor: String, reason: String)
        case writeFailed(reason: String)
    }

    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    /// One line whatever the header holds: tensor names and JSON details are escaped (`String.escapingControlCharacters`).
    public var description: String { "\(path): \(message)".escapingControlCharacters }

    private var message: String {
        switch kind {
        case .fileNotFound:
            "safetensors file not found"
        case .unreadable(let reason):
            "cannot read safetensors file: \(reason)"
        case .truncated(let reason):
            "truncated safetensors file: \(reason)"
        case .headerNotJSON(let reason):
            "safetensors header is not valid JSON: \(reason)"
        case .badEntry(let tensor, let reason):
            "tensor '\(tensor)': malformed header entry: \(reason)"
        case .unsupportedDtype(let tensor, let dtype):
            "tensor '\(tensor)': unsupported dtype '\(dtype)' (readable: F64, F32, F16, BF16; integer and BOOL tensors are skipped)"
        case .offsetsOutOfRange(let tensor, let begin, let end, let dataSize):
            "tensor '\(tensor)': data_offsets [\(begin), \(end)] lie outside the \(dataSize)-byte data section"
        case .sizeMismatch(let tensor, let expected, let actual):
            "tensor '\(tensor)': shape and dtype need \(expected) bytes but data_offsets span \(actual)"
        case .overlapping(let tensor, let other):
            "tensor '\(tensor)': data overlaps tensor '\(other)'"
        case .missingTensor(let name):
            "no tensor named '\(name)'"
        case .notFloat(let tensor, let dtype):
            "tensor '\(tensor)' has dtype \(dtype), not a floating-point type"
        case .invalidTensor(let tensor, let reason):
            "cannot write tensor '\(tensor)': \(reason)"
        case .writeFailed(let reason):
            "cannot write safetensors file: \(reason)"
        }
    }
}
