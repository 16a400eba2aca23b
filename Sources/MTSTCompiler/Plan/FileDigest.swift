import Foundation

/// SHA-256 of a file, read in chunks so large weight files never sit in memory twice.
public enum FileDigest {
    public static func sha256(path: String) throws -> String {
        let file: (fd: Int32, size: Int)
        do {
            file = try InputFile.openRegular(path)
        } catch {
            throw CompileError.file(path, "cannot read file: \(error.reason)")
        }
        defer { close(file.fd) }
        var hash = SHA256()
        var offset = 0
        while true {
            let chunk: Data
            do {
                chunk = try InputFile.read(fd: file.fd, offset: offset, count: 1 << 22)
            } catch {
                throw CompileError.file(path, "cannot read file: \(error.reason)")
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { hash.update($0) }
            offset += chunk.count
        }
        return hash.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}
