import Foundation

/// Finds a file a user named with the wrong letter case: the design's usage line says
/// `mtstc compile graphs/multitask.yaml`, the folder is `Graphs/`, and Linux file systems tell
/// the two apart. Only a path that does not exist is looked up, and only a unique match is
/// taken, component by component, so an existing file always wins and two names that differ
/// only in case (`Graphs/` and `graphs/` side by side) are never guessed between. The caller
/// says what it resolved to. A `graphs -> Graphs` link in the repository would do the same on
/// Linux, but on case-insensitive file systems (macOS, Windows) the two names collide in a
/// checkout.
public enum PathCase {
    /// `path` when something exists there; otherwise the one existing path that equals it
    /// ignoring letter case; nil when there is none, or more than one.
    public static func resolve(_ path: String) -> String? {
        if exists(path) { return path }
        var current = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/").map(String.init) {
            let exact = join(current, component)
            if component == "." || component == ".." || exists(exact) {
                current = exact
                continue
            }
            let folder = current.isEmpty ? "." : current
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
            let matches = entries.filter { $0.lowercased() == component.lowercased() }
            guard matches.count == 1 else { return nil }
            current = join(current, matches[0])
        }
        return current
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    private static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }
}
