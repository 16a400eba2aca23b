import Foundation
import MTSTCompiler

/// A run folder, written so that a kill or a full disk at any moment leaves it resumable.
///
/// Each epoch (and a Ctrl-C) commits a snapshot: a directory `epoch-0003/` with the checkpoint,
/// the optimizer state, the predictions, the metrics rows so far and `state.json` holding the
/// SHA-256 of each. It is built under a hidden temporary name, every file synced, then renamed
/// into place, and only then does `latest` (a one-line file, replaced atomically) name it. After
/// that the top-level `checkpoint.safetensors`, `predictions.jsonl` and `metrics.jsonl` are
/// re-pointed at the snapshot's files (hard links, each swapped in atomically), and snapshots
/// before the last `keep` are removed. `latest` therefore always names a complete snapshot, and
/// the top-level files are each whole, though after a kill they can lag one snapshot behind
/// until the run is resumed.
///
/// Each snapshot is also a sentence-transformers model folder (`SentenceTransformersFolder`),
/// and its files get top-level views too, so the run folder itself is one. Those names are
/// common ones (`config.json`, `vocab.txt`): a new run refuses a folder that already holds one
/// mtstc did not write, and they do not make a folder count as a run.
///
/// mtstc removes only names it writes: never a folder's other content.
struct RunFolder {
    static let keep = 2
    static let latest = "latest"
    static let state = "state.json"
    static let checkpoint = "checkpoint.safetensors"
    static let optimizer = "optimizer.safetensors"
    static let predictions = "predictions.jsonl"
    static let metrics = "metrics.jsonl"
    static let views = [checkpoint, predictions, metrics]
    static let snapshotFiles: Set = [checkpoint, optimizer, predictions, metrics, state]
    /// Top-level names mtstc writes, and those earlier versions wrote (`--overwrite` removes them).
    static let topLevelFiles: Set = [latest, checkpoint, optimizer, predictions, metrics, state]
    /// The sentence-transformers folder's files (some inside `exportDirectories`), in every
    /// snapshot and viewed at the top level. Not in `state.json`: mtstc never reads them back.
    static let exportFiles = SentenceTransformersFolder.files
    static let exportDirectories = SentenceTransformersFolder.directories

    let path: String

    func file(_ name: String) -> String { path + "/" + name }

    // MARK: Preparing

    /// Makes sure the folder exists; true when this call created it.
    func create() throws -> Bool {
        switch FileKind.of(path) {
        case .directory?: return false
        case let kind?: throw TrainingError.folder(path, "\(kind.name) is in the way; --out must name a folder")
        case nil:
            // Component by component, so the one in the way can be named (Foundation only says
            // "NSCocoaErrorDomain error 512").
            var current = path.hasPrefix("/") ? "" : "."
            for component in path.split(separator: "/") {
                current += "/" + component
                if mkdir(current, 0o755) == 0 || errno == EEXIST && FileKind.of(current) == .directory { continue }
                let shown = current.hasPrefix("./") ? String(current.dropFirst(2)) : current
                let why = errno == EEXIST ? "\(shown) is \(FileKind.of(current)?.name ?? "in the way"), not a folder" : "\(shown): \(POSIXFailure.current)"
                throw TrainingError.folder(path, "cannot create the folder: \(why)")
            }
            return true
        }
    }

    /// Whether the folder holds an mtstc run: a run that committed a snapshot, or one written by
    /// an earlier version. Snapshot directories that `latest` never named are only leftovers.
    var holdsRun: Bool {
        entries().contains { Self.topLevelFiles.contains($0) }
    }

    /// Removes every file mtstc writes (for `--overwrite`), and nothing else.
    func clear() {
        for name in entries() {
            if SnapshotID(name: name) != nil || Self.isStaging(name) {
                removeOwned(file(name))
            } else if Self.topLevelFiles.contains(name) || Self.isTemporaryFile(name) {
                removeRegular(file(name))
            }
        }
        removeExport(path)
        AtomicFile.syncDirectory(path)
    }

    /// The sentence-transformers names already at the top level of a folder that holds no run:
    /// files mtstc did not write, which a new run must not replace.
    func foreignExportNames() -> [String] {
        let names = Self.exportFiles.filter { !$0.contains("/") } + Self.exportDirectories
        return names.filter { FileKind.of(file($0)) != nil }
    }

    /// After a kill: staging directories, temporary files, and snapshots renamed into place that
    /// `latest` never came to name.
    func removeLeftovers(after latest: SnapshotID?) {
        for name in entries() {
            if Self.isStaging(name) {
                removeOwned(file(name))
            } else if Self.isTemporaryFile(name) {
                removeRegular(file(name))
            } else if let id = SnapshotID(name: name), latest.map({ id > $0 }) ?? true {
                removeOwned(file(name))
            }
        }
    }

    /// When a run stops before its first snapshot: the folder goes if it was created for the run
    /// and holds nothing else.
    func removeIfEmpty() {
        removeLeftovers(after: nil)
        rmdir(path)
    }

    // MARK: Committing

    /// A new hidden directory for the files of snapshot `id`.
    func stage(_ id: SnapshotID) throws -> String {
        let staged = file(".\(id.name).tmp-\(getpid())-\(UUID().uuidString)")
        guard mkdir(staged, 0o755) == 0 else {
            throw TrainingError.folder(path, "cannot create \(staged): \(POSIXFailure.current)")
        }
        return staged
    }

    func discard(_ staged: String) { removeOwned(staged) }

    /// Seals a staged snapshot with its `state.json`, moves it into place and makes it the latest;
    /// returns its path.
    func commit(_ staged: String, state: RunState) throws -> String {
        do {
            var state = state
            state.files = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: staged) where Self.snapshotFiles.contains(name) {
                state.files[name] = try FileDigest.sha256(path: staged + "/" + name)
            }
            try AtomicFile.write(try state.encoded(), to: staged + "/" + Self.state)
            let final = file(state.id.name)
            if FileKind.of(final) != nil { removeOwned(final) }
            guard rename(staged, final) == 0 else { throw TrainingError.folder(final, "cannot move the snapshot into place: \(POSIXFailure.current)") }
            AtomicFile.syncDirectory(path)
            try AtomicFile.write(Array((state.id.name + "\n").utf8), to: file(Self.latest))
            try refreshViews(from: final)
            prune(latest: state.id)
            return final
        } catch {
            discard(staged)
            throw error
        }
    }

    /// Points the top-level files at a snapshot's, the sentence-transformers folder's included.
    func refreshViews(from snapshot: String) throws {
        for name in Self.views where FileKind.of(snapshot + "/" + name) == .regular {
            try AtomicFile.publish(snapshot + "/" + name, as: file(name))
        }
        for dir in Self.exportDirectories where FileKind.of(snapshot + "/" + dir) == .directory {
            guard mkdir(file(dir), 0o755) == 0 || errno == EEXIST && FileKind.of(file(dir)) == .directory else {
                throw TrainingError.folder(file(dir), "cannot create the folder: \(POSIXFailure.current)")
            }
        }
        for name in Self.exportFiles where FileKind.of(snapshot + "/" + name) == .regular {
            try AtomicFile.publish(snapshot + "/" + name, as: file(name))
        }
    }

    func prune(latest: SnapshotID) {
        let ids = entries().compactMap(SnapshotID.init(name:)).filter { $0 <= latest }.sorted()
        for id in ids.dropLast(Self.keep) { removeOwned(file(id.name)) }
    }

    // MARK: Reading

    /// A file of a snapshot whose checksum `readLatest` verified. Read through `InputFile`, like
    /// every input: `FileManager.contents(atPath:)` gives no reason on failure, and on this
    /// toolchain it leaks its 4 KiB buffer when the file is empty (LeakSanitizer, an empty
    /// metrics.jsonl of a run stopped in its first epoch).
    static func read(_ path: String, in dir: String) throws -> Data {
        do { return try InputFile.read(path) } catch {
            throw TrainingError.resume(dir, "cannot read \(path): \(error.reason)")
        }
    }

    /// The snapshot `latest` names, after checking that it is whole and belongs to this plan
    /// (`planName`, whose encoding has the SHA-256 `planSHA256`).
    func readLatest(planSHA256: String, planName: String) throws -> (dir: String, state: RunState) {
        func refuse(_ why: String) -> TrainingError { .resume(path, why) }
        guard FileKind.of(path) == .directory else { throw refuse("no such run folder") }
        guard FileKind.of(file(Self.latest)) == .regular, let data = try? InputFile.read(file(Self.latest)) else {
            throw refuse(FileKind.of(file(Self.state)) == .regular
                ? "it was written by an older mtstc (no 'latest' snapshot); start a new run"
                : "it holds no saved epoch (no 'latest' file): not a run folder, or a run stopped before its first epoch; start a new run with --out")
        }
        let name = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let id = SnapshotID(name: name) else { throw refuse("'latest' does not name a snapshot") }
        let dir = file(name)
        guard FileKind.of(dir) == .directory else { throw refuse("the latest snapshot \(name) is missing") }
        guard let stateData = try? InputFile.read(dir + "/" + Self.state),
              let state = RunState.decode(stateData) else { throw refuse("\(name)/\(Self.state) is missing or malformed") }
        guard state.format == RunState.currentFormat else { throw refuse("\(name)/\(Self.state) has format \(state.format), this mtstc reads \(RunState.currentFormat)") }
        guard state.id == id else { throw refuse("\(name)/\(Self.state) is for \(state.id.name), not \(name)") }
        guard state.planSHA256 == planSHA256 else {
            // Named, not by checksum: a SHA-256 prefix tells a user nothing to act on.
            throw refuse(state.plan == planName
                ? "it was trained with another plan named '\(state.plan)' (recompiled, or compiled from another spec or other files); resume with the plan that started it"
                : "it was trained with plan '\(state.plan)', not '\(planName)'; resume with the plan that started it")
        }
        for required in [Self.checkpoint, Self.optimizer, Self.metrics] where state.files[required] == nil {
            throw refuse("\(name) lacks \(required)")
        }
        for (file, digest) in state.files.sorted(by: { $0.key < $1.key }) {
            guard Self.snapshotFiles.contains(file), FileKind.of(dir + "/" + file) == .regular else {
                throw refuse("\(name)/\(file) is missing")
            }
            guard try FileDigest.sha256(path: dir + "/" + file) == digest else {
                throw refuse("\(name)/\(file) does not match its SHA-256 in \(Self.state) (the file changed or is damaged)")
            }
        }
        return (dir, state)
    }

    // MARK: Helpers

    private func entries() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] }

    static func isStaging(_ name: String) -> Bool {
        guard name.hasPrefix("."), let r = name.range(of: ".tmp-") else { return false }
        return SnapshotID(name: String(name[name.index(after: name.startIndex)..<r.lowerBound])) != nil
    }

    /// `AtomicFile`'s temporary names for mtstc's files.
    static func isTemporaryFile(_ name: String) -> Bool {
        guard name.hasPrefix("."), let r = name.range(of: ".tmp-") else { return false }
        let base = String(name[name.index(after: name.startIndex)..<r.lowerBound])
        return topLevelFiles.contains(base) || exportFiles.contains { $0 == base || $0.hasSuffix("/" + base) }
    }

    /// Removes the files mtstc writes inside a snapshot directory, then the directory if that
    /// leaves it empty.
    private func removeOwned(_ dir: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            if Self.snapshotFiles.contains(name) || Self.isTemporaryFile(name) { removeRegular(dir + "/" + name) }
        }
        removeExport(dir)
        rmdir(dir)
    }

    /// Removes the sentence-transformers files in `dir`, then its export subfolders if that
    /// leaves them empty.
    private func removeExport(_ dir: String) {
        for name in Self.exportFiles { removeRegular(dir + "/" + name) }
        for sub in Self.exportDirectories where FileKind.of(dir + "/" + sub) == .directory {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir + "/" + sub)) ?? [] where Self.isTemporaryFile(name) {
                removeRegular(dir + "/" + sub + "/" + name)
            }
            rmdir(dir + "/" + sub)
        }
    }

    private func removeRegular(_ path: String) {
        if FileKind.of(path) == .regular { unlink(path) }
    }
}
