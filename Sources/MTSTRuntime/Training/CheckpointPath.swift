import Foundation
import MTSTCompiler

public struct CheckpointPathError: UserFacingError, Equatable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// What `--weights` may name: a checkpoint file, a snapshot folder (`run/epoch-0003/`), or a
/// run folder, which means its latest snapshot's checkpoint. The latest snapshot, not the
/// top-level view: after a kill the view can lag one snapshot behind until the run resumes.
public enum CheckpointPath {
    public static func resolve(_ path: String) throws(CheckpointPathError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return path }
        let folder = RunFolder(path: path)
        let latest = folder.file(RunFolder.latest)
        if FileKind.of(latest) == .regular {
            let data = (try? InputFile.read(latest)) ?? Data()
            let name = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard SnapshotID(name: name) != nil else {
                throw CheckpointPathError(path: path, reason: "'latest' does not name a snapshot, so there is no checkpoint to take")
            }
            let checkpoint = folder.file(name + "/" + RunFolder.checkpoint)
            guard FileKind.of(checkpoint) == .regular else {
                throw CheckpointPathError(path: path, reason: "the latest snapshot \(name) has no \(RunFolder.checkpoint)")
            }
            return checkpoint
        }
        let checkpoint = folder.file(RunFolder.checkpoint)
        guard FileKind.of(checkpoint) == .regular else {
            throw CheckpointPathError(path: path, reason: "a folder without \(RunFolder.checkpoint) or a 'latest' snapshot; --weights takes a run folder, a snapshot folder or a checkpoint file")
        }
        return checkpoint
    }
}
