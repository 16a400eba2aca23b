import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to a temporary file beside the destination, then renames it into place, so readers
/// never see a half-written checkpoint and a crash leaves the old file intact.
enum AtomicFile {
    static func write(path: String, _ body: (FileHandle) throws -> Void) throws(SafeTensorsError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)").path
        func fail(_ reason: String) -> SafeTensorsError {
            try? FileManager.default.removeItem(atPath: temporary)
            return SafeTensorsError(path: path, kind: .writeFailed(reason: reason))
        }
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw fail("cannot create a file in \(url.deletingLastPathComponent().path)")
        }
        do {
            try body(handle)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw fail(error.localizedDescription)
        }
        guard rename(temporary, path) == 0 else {
            throw fail(String(cString: strerror(errno)))
        }
    }
}
