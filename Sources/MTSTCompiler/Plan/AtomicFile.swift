import Foundation

public struct AtomicFileError: UserFacingError, Equatable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write: \(reason)" }
}

/// Writes to a temporary file beside the destination, syncs it, then moves it into place and
/// syncs the directory, so readers never see a half-written plan, checkpoint or run file, a
/// failure (a full disk, a kill) leaves the old file intact, and a finished write survives a
/// power cut. Every file mtstc writes goes through here.
///
/// Only a regular file is ever replaced: a symlink, FIFO, device or directory at the destination
/// is refused, so `-o /dev/null` or a link planted in a run folder cannot be clobbered.
public enum AtomicFile {
    public static func write(path: String, _ body: (FileHandle) throws -> Void) throws(AtomicFileError) {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            let reason = FileKind.of(parent).map { "\(parent) is \($0.name), not a directory" } ?? "directory \(parent) does not exist"
            throw AtomicFileError(path: path, reason: reason)
        }
        if let kind = FileKind.of(path), kind != .regular {
            throw AtomicFileError(path: path, reason: "\(kind.name) is in the way; only a regular file is ever replaced")
        }
        let temporary = parent + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)"
        func fail(_ reason: String) -> AtomicFileError {
            unlink(temporary)
            return AtomicFileError(path: path, reason: reason)
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("cannot create a file in \(parent): \(POSIXFailure.current)") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        do {
            try body(handle)
        } catch {
            close(fd)
            throw fail(POSIXFailure.reason(error))
        }
        let synced = fsync(fd) == 0 ? nil : POSIXFailure.current
        close(fd)
        if let synced { throw fail(synced) }
        if let reason = install(temporary, at: path) { throw fail(reason) }
        syncDirectory(parent)
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicFileError) {
        try write(path: path) { try $0.write(contentsOf: bytes) }
    }

    /// Gives the regular file `source` the second name `path` by the same rules as `write` (the
    /// old file at `path` stays until the new one replaces it): how a run folder's top-level
    /// files follow its latest snapshot without a copy. Copies where hard links are unsupported.
    public static func publish(_ source: String, as path: String) throws(AtomicFileError) {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        let temporary = parent + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)"
        guard link(source, temporary) == 0 else {
            guard [EPERM, EXDEV, ENOTSUP, EOPNOTSUPP, EMLINK].contains(errno) else {
                throw AtomicFileError(path: path, reason: POSIXFailure.current)
            }
            guard let data = FileManager.default.contents(atPath: source) else {
                throw AtomicFileError(path: path, reason: "cannot read \(source)")
            }
            try write(Array(data), to: path)
            return
        }
        if let reason = install(temporary, at: path) {
            unlink(temporary)
            throw AtomicFileError(path: path, reason: reason)
        }
        syncDirectory(parent)
    }

    /// Moves `temporary` to `path`, which must be absent or a regular file at the moment of the
    /// move; returns why not otherwise. An absent destination is claimed with `link`, which never
    /// replaces anything; a present one is swapped with `RENAME_EXCHANGE` and the swapped-out
    /// entry inspected, so a symlink or device put there after the check is swapped back, not lost.
    /// Where the kernel or file system lacks either, a plain rename after the check remains.
    static func install(_ temporary: String, at path: String) -> String? {
        for _ in 0..<3 {
            switch FileKind.of(path) {
            case nil:
                if link(temporary, path) == 0 {
                    unlink(temporary)
                    return nil
                }
                if errno == EEXIST { continue }
                if ![EPERM, EXDEV, ENOTSUP, EOPNOTSUPP, EMLINK].contains(errno) { return POSIXFailure.current }
            case .regular?:
                switch Rename.exchange(temporary, path) {
                case .done:
                    if FileKind.of(temporary) == .regular {
                        unlink(temporary)
                        return nil
                    }
                    _ = Rename.exchange(temporary, path)
                    return "a file that is not a regular file replaced it while writing; left it in place"
                case .failed(let reason): return reason
                case .unsupported: break
                }
            case let kind?:
                return "\(kind.name) is in the way; only a regular file is ever replaced"
            }
            return rename(temporary, path) == 0 ? nil : POSIXFailure.current
        }
        return "the destination keeps changing while writing"
    }

    /// Makes renames and new entries in a directory durable. Best effort: some file systems
    /// refuse fsync on directories, and nothing better can be done there.
    public static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}

/// What a path names, without following a final symlink.
public enum FileKind: Equatable, Sendable {
    case regular, directory, symlink, fifo, device, socket

    public static func of(_ path: String) -> FileKind? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        case S_IFIFO: return .fifo
        case S_IFSOCK: return .socket
        default: return .device
        }
    }

    public var name: String {
        switch self {
        case .regular: "a regular file"
        case .directory: "a directory"
        case .symlink: "a symbolic link"
        case .fifo: "a FIFO"
        case .device: "a device"
        case .socket: "a socket"
        }
    }
}

/// Linux `renameat2(RENAME_EXCHANGE)`, looked up at run time: Swift's Glibc module does not
/// declare it, and an old C library may lack it.
enum Rename {
    enum Outcome { case done, unsupported, failed(String) }
    typealias Function = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    static func exchange(_ a: String, _ b: String) -> Outcome {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return .unsupported }
        let renameat2 = unsafeBitCast(symbol, to: Function.self)
        let exchange: UInt32 = 1 << 1  // RENAME_EXCHANGE
        if renameat2(AT_FDCWD, a, AT_FDCWD, b, exchange) == 0 { return .done }
        return errno == EINVAL || errno == ENOSYS || errno == ENOTSUP ? .unsupported : .failed(POSIXFailure.current)
    }
}

/// One-line reasons for failed system calls and Foundation file errors (never an NSError dump).
public enum POSIXFailure {
    public static var current: String { String(cString: strerror(errno)) }

    public static func reason(_ error: any Error) -> String {
        if let e = error as? any UserFacingError { return e.description }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
