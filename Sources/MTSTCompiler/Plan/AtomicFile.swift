import Foundation

public struct AtomicFileError: UserFacingError {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write: \(reason)" }
}

/// Writes to a temporary file beside the destination, syncs it, then renames it into place, so
/// readers never see a half-written plan, checkpoint or prediction file, and a failure leaves the
/// old file intact. Every file mtstc writes goes through here.
public enum AtomicFile {
    public static func write(path: String, _ body: (FileHandle) throws -> Void) throws(AtomicFileError) {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AtomicFileError(path: path, reason: "directory \(parent) does not exist")
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)").path
        func fail(_ reason: String) -> AtomicFileError {
            try? FileManager.default.removeItem(atPath: temporary)
            return AtomicFileError(path: path, reason: reason)
        }
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw fail("cannot create a file in \(parent)")
        }
        do {
            try body(handle)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw fail((error as? any UserFacingError)?.description ?? error.localizedDescription)
        }
        guard rename(temporary, path) == 0 else { throw fail(String(cString: strerror(errno))) }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicFileError) {
        try write(path: path) { try $0.write(contentsOf: bytes) }
    }
}
