import Foundation
import MTSTCompiler

/// What a safetensors header says about one tensor, without its data.
public struct SafeTensorInfo: Sendable, Equatable {
    public var shape: [Int]
    public var dtype: SafeTensorDType

    public init(shape: [Int], dtype: SafeTensorDType) {
        self.shape = shape
        self.dtype = dtype
    }
}

extension SafeTensorFile {
    /// Every tensor's shape and dtype, read from the header alone (the file is validated as
    /// `read` would: offsets inside the file, sizes matching shapes, no overlaps), so compile can
    /// check a multi-gigabyte checkpoint against the spec in milliseconds.
    public static func readHeader(path: String) throws(SafeTensorsError) -> [String: SafeTensorInfo] {
        try readHeaderAndMetadata(path: path).tensors
    }

    /// `readHeader` plus the header's `__metadata__` (where mtstc keeps the label lists).
    public static func readHeaderAndMetadata(path: String) throws(SafeTensorsError)
        -> (tensors: [String: SafeTensorInfo], metadata: [String: String]) {
        let file: (fd: Int32, size: Int)
        do {
            file = try InputFile.openRegular(path)
        } catch {
            throw SafeTensorsError(path: path, kind: error.isMissing ? .fileNotFound : .unreadable(reason: error.reason))
        }
        defer { close(file.fd) }
        func bytes(_ offset: Int, _ count: Int) throws(SafeTensorsError) -> Data {
            do {
                return try InputFile.read(fd: file.fd, offset: offset, count: count)
            } catch {
                throw SafeTensorsError(path: path, kind: .unreadable(reason: error.reason))
            }
        }
        let length = try SafeTensorsLayout.headerLength(prefix: try bytes(0, min(8, file.size)), fileSize: file.size, path: path)
        let header = try bytes(8, length)
        guard header.count == length else {
            throw SafeTensorsError(path: path, kind: .truncated(reason: "the file ended inside the header"))
        }
        let layout = try SafeTensorsLayout(header: header, fileSize: file.size, path: path)
        var infos: [String: SafeTensorInfo] = [:]
        for entry in layout.entries {
            infos[entry.name] = SafeTensorInfo(shape: entry.shape, dtype: entry.dtype)
        }
        return (infos, layout.metadata)
    }
}
