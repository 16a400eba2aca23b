/// Relative paths in a spec are relative to the spec file's directory, so a spec can be run
/// from anywhere. Joining is lexical (`Graphs/../Assets` → `Assets`) to keep paths short and
/// relative in messages; symlinks are left to the file system.
enum SpecPaths {
    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    static func resolve(_ path: String, relativeTo specFile: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        return normalize(directory(of: specFile) + "/" + path)
    }

    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", absolute {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
