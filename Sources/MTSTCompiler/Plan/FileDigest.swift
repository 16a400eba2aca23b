import Foundation

/// SHA-256 of a file, read in chunks so large weight files never sit in memory twice.
public enum FileDigest {
    public static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CompileError.file(path, "cannot open file")
        }
        defer { try? handle.close() }
        var hash = SHA256()
        while true {
            let chunk = handle.readData(ofLength: 1 << 22)
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { hash.update($0) }
        }
        return hash.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}
