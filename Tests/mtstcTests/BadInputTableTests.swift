import Foundation
import Testing

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
                try FileManager.default.removeItem(at: dir.appendingPathComponent(target))
                try FileManager.default.copyItem(at: dir.appendingPathComponent(source), to: dir.appendingPathComponent(target))
            }
        }
        let before = try Self.listing(dir)
        let result = try CLI.run(row.args, cwd: dir)
        let expected = row.firstLine.replacingOccurrences(of: "$DIR", with: dir.resolvingSymlinksInPath().path)
        let firstLine = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        #expect(result.status != 0, "exit status 0; stdout: \(result.stdout.prefix(300))")
        #expect(firstLine == expected)
        #expect(try Self.listing(dir) == before, "the failing command changed the folder")
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
            }
        }
    }

    /// Every path under `dir` with its size, so a created, removed or rewritten file shows.
    static func listing(_ dir: URL) throws -> [String: Int] {
        var result: [String: Int] = [:]
        let base = dir.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.fileSizeKey]) else { return [:] }
        for case let url as URL in walker {
            let path = String(url.resolvingSymlinksInPath().path.dropFirst(base.count))
            result[path] = try url.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? -1
        }
        return result
    }
}
