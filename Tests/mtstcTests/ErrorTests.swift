import Foundation
import Testing

/// Bad input: one line naming the file (and line:column for YAML), a non-zero status, no
/// stack trace and no half-written output.
@Suite(.serialized) struct ErrorTests {
    func expectOneLineError(_ r: CLI.Result, contains needle: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status != 0, sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(needle), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test func yamlErrorsNameLineAndColumn() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var yaml = try String(contentsOf: CLI.root.appendingPathComponent("Graphs/tiny.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "hidden_size: 16", with: "hidden_size: 15")
        let spec = dir.appendingPathComponent("bad.yaml")
        try yaml.write(to: spec, atomically: true, encoding: .utf8)
        // Keep the relative paths working.
        for f in ["tiny-vocab.txt", "tiny-data"] {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(f),
                                                       withDestinationURL: CLI.root.appendingPathComponent("Graphs/\(f)"))
        }
        let plan = dir.appendingPathComponent("out.plan")
        let r = try CLI.run(["compile", spec.path, "-o", plan.path])
        expectOneLineError(r, contains: "bad.yaml:")
        #expect(r.stderr.range(of: #"bad\.yaml:\d+:\d+: backbone\.hidden_size"#, options: .regularExpression) != nil, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: plan.path))

        try "name: x\nbackbone: [unclosed\n".write(to: spec, atomically: true, encoding: .utf8)
        let syntax = try CLI.run(["compile", spec.path])
        expectOneLineError(syntax, contains: "bad.yaml:")
    }

    @Test func vocabularyLargerThanTheEmbeddingTable() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var yaml = try String(contentsOf: CLI.root.appendingPathComponent("Graphs/tiny.yaml"), encoding: .utf8)
        let vocabLine = try #require(yaml.split(separator: "\n").first { $0.contains("vocab_size:") })
        yaml = yaml.replacingOccurrences(of: String(vocabLine), with: "  vocab_size: 10")
        let spec = dir.appendingPathComponent("small.yaml")
        try yaml.write(to: spec, atomically: true, encoding: .utf8)
        for f in ["tiny-vocab.txt", "tiny-data"] {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(f),
                                                       withDestinationURL: CLI.root.appendingPathComponent("Graphs/\(f)"))
        }
        let r = try CLI.run(["compile", spec.path])
        expectOneLineError(r, contains: "every token id needs an embedding row")
        #expect(r.stderr.contains("small.yaml:"))
    }

    @Test func missingSpec() throws {
        expectOneLineError(try CLI.run(["compile", "Graphs/does-not-exist.yaml"]), contains: "Graphs/does-not-exist.yaml")
    }

    @Test func corruptAndTruncatedPlans() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = dir.appendingPathComponent("p.plan")
        #expect(try CLI.run(["compile", "Graphs/tiny.yaml", "-o", plan.path]).status == 0)
        var bytes = try Data(contentsOf: plan)

        let truncated = dir.appendingPathComponent("t.plan")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        expectOneLineError(try CLI.run(["embed", "--graph", truncated.path, "hi"]), contains: "truncated")

        bytes[bytes.count - 10] ^= 0x55
        let corrupt = dir.appendingPathComponent("c.plan")
        try bytes.write(to: corrupt)
        expectOneLineError(try CLI.run(["inspect", corrupt.path]), contains: "checksum")

        var wrongVersion = try Data(contentsOf: plan)
        wrongVersion[8] = 99
        let old = dir.appendingPathComponent("v.plan")
        try wrongVersion.write(to: old)
        expectOneLineError(try CLI.run(["inspect", old.path]), contains: "version 99")

        let notPlan = dir.appendingPathComponent("n.plan")
        try "hello".write(to: notPlan, atomically: true, encoding: .utf8)
        expectOneLineError(try CLI.run(["run", "--graph", notPlan.path]), contains: "not an mtstc plan")
    }

    @Test func everythingFrozenButAskedToTrain() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var yaml = try String(contentsOf: CLI.root.appendingPathComponent("Graphs/tiny.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "  schedule:", with: "  rules:\n    - params: \"*\"\n      frozen: true\n  schedule:")
        let spec = dir.appendingPathComponent("frozen.yaml")
        try yaml.write(to: spec, atomically: true, encoding: .utf8)
        for f in ["tiny-vocab.txt", "tiny-data"] {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(f),
                                                       withDestinationURL: CLI.root.appendingPathComponent("Graphs/\(f)"))
        }
        let r = try CLI.run(["compile", spec.path])
        expectOneLineError(r, contains: "every parameter is frozen")
        #expect(r.stderr.contains("frozen.yaml:"))
    }
}
