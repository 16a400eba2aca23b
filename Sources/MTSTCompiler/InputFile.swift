import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reads a file a user named (spec, plan, vocabulary, data, weights) and, when that fails, says
/// why in the operating system's words: "no such file or directory", "is a directory",
/// "permission denied". Foundation's errors reach users as multi-line `NSCocoaErrorDomain`
/// dumps, and `FileManager.contents(atPath:)` gives no reason at all, so every reader goes
/// through here instead.
public enum InputFile {
    public struct Failure: Error, Sendable, Equatable {
        /// Lower-case, no trailing period, fit to follow "cannot read X: ".
        public var reason: String
        /// Nothing exists at the path (callers that have their own "not found" message).
        public var isMissing = false

        init(reason: String) {
            self.reason = reason
        }

        init(errno code: Int32) {
            reason = InputFile.reason(code)
            isMissing = code == ENOENT
        }
    }

    /// The whole file. Only regular files (or symlinks to them) are read: a FIFO or a device
    /// could block forever or never end. A file over `limit` bytes is refused before reading.
    public static func read(_ path: String, limit: Int = Int.max, what: String = "file") throws(Failure) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw Failure(errno: errno) }
        defer { close(fd) }
        let size = try regularFileSize(fd)
        guard size <= limit else {
            throw Failure(reason: "it is \(size) bytes, more than the \(limit) bytes a \(what) may have")
        }
        var data = Data(count: size)
        var done = 0
        while done < size {
            let n = data.withUnsafeMutableBytes { raw in
                raw.baseAddress.map { systemRead(fd, $0 + done, size - done) } ?? 0
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(errno: errno)
            }
            // The file shrank while being read: what is there is all there is.
            if n == 0 { break }
            done += n
        }
        return done == size ? data : data.prefix(done)
    }

    /// Why `path` cannot be read as a regular file, or nil when it can. For readers that map or
    /// stream a file themselves and only need the reason when Foundation fails.
    public static func problem(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return reason(errno) }
        defer { close(fd) }
        do {
            _ = try regularFileSize(fd)
            return nil
        } catch {
            return error.reason
        }
    }

    /// Opens a regular file for reading: callers that read a header only (safetensors) use it.
    public static func openRegular(_ path: String) throws(Failure) -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw Failure(errno: errno) }
        do {
            return (fd, try regularFileSize(fd))
        } catch {
            close(fd)
            throw error
        }
    }

    /// Reads exactly `count` bytes at `offset`, or fewer when the file ends first.
    public static func read(fd: Int32, offset: Int, count: Int) throws(Failure) -> Data {
        var data = Data(count: count)
        var done = 0
        while done < count {
            let n = data.withUnsafeMutableBytes { raw in
                raw.baseAddress.map { pread(fd, $0 + done, count - done, off_t(offset + done)) } ?? 0
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        return done == count ? data : data.prefix(done)
    }

    public static let directoryReason = "it is a directory"

    private static func regularFileSize(_ fd: Int32) throws(Failure) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(errno: errno) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return Int(info.st_size)
        case S_IFDIR: throw Failure(reason: directoryReason)
        case S_IFIFO: throw Failure(reason: "it is a pipe, not a regular file")
        case S_IFCHR, S_IFBLK: throw Failure(reason: "it is a device, not a regular file")
        case S_IFSOCK: throw Failure(reason: "it is a socket, not a regular file")
        default: throw Failure(reason: "it is not a regular file")
        }
    }

    /// `strerror` with a lower-case first letter: "no such file or directory".
    static func reason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        guard let first = text.first else { return "error \(code)" }
        return first.lowercased() + text.dropFirst()
    }
}
