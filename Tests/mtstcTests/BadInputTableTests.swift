import Foundation
import Testing
import MTSTCompiler

/// The real binary over every row of `BadInputTable`: a non-zero exit, exactly the expected first
/// line on stderr, and no file created or removed by the failing command. Docs/ERRORS.md is
/// rendered from the same table, and a test keeps the two equal.
@Suite struct BadInputTableTests {
    @Test(arguments: BadInputTable.cases)
    func refusedWithOneActionableLine(_ row: BadInputCase) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.materialize(row, in: dir)
        for step in row.setup {
            switch step {
            case .mtstc(let command):
                let setup = try CLI.run(command, cwd: dir)
                try #require(setup.status == 0, "setup \(command) failed: \(setup.stderr)")
            case .copy(let source, let target):
                let url = dir.appendingPathComponent(target)
                if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
                try FileManager.default.copyItem(at: dir.appendingPathComponent(source), to: url)
            case .edit(let source, let edit, let target):
                let bytes = try edit.apply([UInt8](try Data(contentsOf: dir.appendingPathComponent(source))))
                let url = dir.appendingPathComponent(target ?? source)
                // A new file, not a write through the old one: run folders hard-link their files.
                if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
                try Data(bytes).write(to: url)
            }
        }
        let before = try Self.listing(dir)
        let result = try CLI.run(row.args, cwd: dir)
        let expected = row.firstLine.replacingOccurrences(of: "$DIR", with: dir.resolvingSymlinksInPath().path)
        let firstLine = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        #expect(result.status != 0, "exit status 0; stdout: \(result.stdout.prefix(300))")
        #expect(firstLine == expected)
        let after = try Self.listing(dir)
        #expect(after == before, "the failing command changed \(Set(after.keys).union(before.keys).filter { after[$0] != before[$0] }.sorted())")
    }

    @Test func errorsDocumentMatchesTheTable() throws {
        let url = CLI.root.appendingPathComponent("Docs/ERRORS.md")
        let rendered = BadInputTable.markdown()
        if ProcessInfo.processInfo.environment["MTSTC_WRITE_ERRORS_DOC"] == "1" {
            try rendered.write(to: url, atomically: true, encoding: .utf8)
        }
        let onDisk = try String(contentsOf: url, encoding: .utf8)
        #expect(onDisk == rendered, "Docs/ERRORS.md is out of date: run MTSTC_WRITE_ERRORS_DOC=1 swift test --filter BadInputTableTests")
    }

    @Test func tableIsLargeAndTitlesAreUnique() {
        #expect(BadInputTable.cases.count >= 60)
        let titles = BadInputTable.cases.map(\.title)
        #expect(Set(titles).count == titles.count)
        for row in BadInputTable.cases {
            #expect(row.firstLine.hasPrefix("error: ") || row.firstLine.hasPrefix("Error: "), "\(row.title)")
        }
    }

    static func materialize(_ row: BadInputCase, in dir: URL) throws {
        var files = BadInputFixture.files
        files.merge(row.files) { _, new in new }
        for (name, content) in files.sorted(by: { $0.key < $1.key }) {
            let url = dir.appendingPathComponent(name)
            switch content {
            case .text(let text): try Data(text.utf8).write(to: url)
            case .bytes(let bytes): try Data(bytes).write(to: url)
            case .directory: try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            case .copy(let path): try FileManager.default.copyItem(at: CLI.root.appendingPathComponent(path), to: url)
            case .absent: break
            case .symlink(let target): try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
            case .fifo: try #require(mkfifo(url.path, 0o644) == 0, "mkfifo \(name)")
            }
        }
    }

    /// Every entry under `dir` (links not followed) with its kind, and for a regular file its
    /// size, inode and modification time, so a file created, removed, replaced or rewritten shows.
    /// A directory's own times are left out: a temporary file made and removed leaves no trace.
    static func listing(_ dir: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: dir.path) else { return [:] }
        for case let path as String in walker {
            var st = stat()
            guard lstat(dir.path + "/" + path, &st) == 0 else {
                result[path] = "vanished"
                continue
            }
            let kind = FileKind.of(dir.path + "/" + path).map { "\($0)" } ?? "?"
            result[path] = (st.st_mode & S_IFMT) == S_IFREG
                ? "\(kind) \(st.st_size) bytes, inode \(st.st_ino), modified \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
                : kind
        }
        return result
    }
}
