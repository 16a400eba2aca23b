import Foundation

/// The validated byte layout of a safetensors file: every entry's dtype is known, its
/// offsets lie inside the data section, match its shape, and overlap no other tensor.
struct SafeTensorsLayout {
    struct Entry {
        var name: String
        var dtype: SafeTensorDType
        var shape: [Int]
        var elementCount: Int
        var begin: Int
        var byteCount: Int
    }

    var dataStart: Int
    var metadata: [String: String]
    /// Sorted by offset, which is also the order the bytes are read in.
    var entries: [Entry]

    /// The safetensors format caps the JSON header at 100 MB; a larger claim is a corrupt or
    /// hostile length, refused before anything that size is read.
    static let maxHeaderBytes = 100_000_000

    /// Validates a whole file already in memory.
    init(bytes: Data, path: String) throws(SafeTensorsError) {
        let headerLength = try Self.headerLength(prefix: bytes.prefix(8), fileSize: bytes.count, path: path)
        let start = bytes.startIndex
        try self.init(header: bytes[start + 8 ..< start + 8 + headerLength], fileSize: bytes.count, path: path)
    }

    /// The header length the first 8 bytes claim, checked against the file's size.
    static func headerLength(prefix: Data, fileSize: Int, path: String) throws(SafeTensorsError) -> Int {
        guard prefix.count >= 8, fileSize >= 8 else {
            throw SafeTensorsError(path: path, kind: .truncated(reason: "\(fileSize) bytes, shorter than the 8-byte header length"))
        }
        let length = prefix.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length <= UInt64(fileSize - 8) else {
            throw SafeTensorsError(path: path, kind: .truncated(reason: "header claims \(length) bytes but only \(fileSize - 8) follow"))
        }
        guard length <= UInt64(maxHeaderBytes) else {
            throw SafeTensorsError(path: path, kind: .headerNotJSON(reason: "header claims \(length) bytes, more than the \(maxHeaderBytes) the format allows"))
        }
        return Int(length)
    }

    /// Validates the JSON header of a file of `fileSize` bytes without its data: compile checks
    /// a weights file's tensors this way, reading kilobytes instead of the whole checkpoint.
    init(header: Data, fileSize: Int, path: String) throws(SafeTensorsError) {
        func fail(_ kind: SafeTensorsError.Kind) -> SafeTensorsError { SafeTensorsError(path: path, kind: kind) }

        dataStart = 8 + header.count
        let decoded = try SafeTensorsHeader.decode(header, path: path)
        metadata = decoded.metadata

        let dataSize = fileSize - dataStart
        var entries: [Entry] = []
        for name in decoded.entries.keys.sorted() {
            guard let raw = decoded.entries[name] else { continue }
            entries.append(try Self.validate(raw, name: name, dataSize: dataSize, path: path))
        }
        entries.sort { ($0.begin, $0.name) < ($1.begin, $1.name) }
        var previous: Entry?
        for entry in entries where entry.byteCount > 0 {
            if let previous, entry.begin < previous.begin + previous.byteCount {
                throw fail(.overlapping(tensor: entry.name, other: previous.name))
            }
            previous = entry
        }
        self.entries = entries
    }

    private static func validate(
        _ raw: SafeTensorsHeader.Entry, name: String, dataSize: Int, path: String
    ) throws(SafeTensorsError) -> Entry {
        func fail(_ kind: SafeTensorsError.Kind) -> SafeTensorsError { SafeTensorsError(path: path, kind: kind) }

        guard let dtype = SafeTensorDType(rawValue: raw.dtype) else {
            throw fail(.unsupportedDtype(tensor: name, dtype: raw.dtype))
        }
        guard raw.dataOffsets.count == 2 else {
            throw fail(.badEntry(tensor: name, reason: "data_offsets must be [begin, end], got \(raw.dataOffsets.count) numbers"))
        }
        let begin = raw.dataOffsets[0], end = raw.dataOffsets[1]
        guard begin >= 0, begin <= end, end <= dataSize else {
            throw fail(.offsetsOutOfRange(tensor: name, begin: begin, end: end, dataSize: dataSize))
        }
        var count = 1
        for dim in raw.shape {
            guard dim >= 0 else {
                throw fail(.badEntry(tensor: name, reason: "negative dimension in shape \(raw.shape)"))
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw fail(.badEntry(tensor: name, reason: "shape \(raw.shape) is too large")) }
            count = product
        }
        let (expected, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, expected == end - begin else {
            throw fail(.sizeMismatch(tensor: name, expectedBytes: overflow ? Int.max : expected, actualBytes: end - begin))
        }
        return Entry(name: name, dtype: dtype, shape: raw.shape, elementCount: count, begin: begin, byteCount: end - begin)
    }
}
