import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `mtstc compare` end to end on two tiny strategies. It checks structure that holds whatever
/// keys metrics.jsonl carries (the per-head contract of issue 9 or the flat keys before it).
@Suite(.serialized) struct CompareCommandTests {
    /// Graphs/tiny.yaml with absolute asset paths, optionally with optimizer rules appended.
    static func spec(_ dir: URL, _ name: String, rules: String = "", lr: String = "1e-3") throws -> String {
        let root = CLI.root.path
        var text = try String(contentsOfFile: root + "/Graphs/tiny.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "vocab: tiny-vocab.txt", with: "vocab: \(root)/Graphs/tiny-vocab.txt")
            .replacingOccurrences(of: "path: tiny-data/", with: "path: \(root)/Graphs/tiny-data/")
            .replacingOccurrences(of: "  lr: 1e-3\n", with: "  lr: \(lr)\n")
            .replacingOccurrences(of: "    decay: linear\n", with: "    decay: linear\n" + rules)
        let path = dir.appendingPathComponent(name + ".yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let frozenBackbone = "  rules:\n    - params: backbone.*\n      frozen: true\n"

    @Test func comparesResumesAndRefuses() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let full = try Self.spec(dir, "full")
        let frozen = try Self.spec(dir, "frozen", rules: Self.frozenBackbone)
        let out = dir.appendingPathComponent("cmp")

        let first = try CLI.run(["compare", full, frozen, "--epochs", "1", "--out", out.path])
        #expect(first.status == 0, "\(first.stderr)")
        for name in ["full", "frozen"] {
            #expect(FileManager.default.fileExists(atPath: out.path + "/\(name)/compare.plan"))
            let metrics = try String(contentsOfFile: out.path + "/\(name)/run/metrics.jsonl", encoding: .utf8)
            #expect(metrics.split(separator: "\n").count == 1)
        }
        let md = try String(contentsOfFile: out.path + "/report.md", encoding: .utf8)
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| full | ") || $0.hasPrefix("| frozen | ") }
        // One row per strategy in the summary, plus one per (strategy, head) in the head table.
        #expect(rows.filter { $0.contains(" MiB ") }.count == 2)
        #expect(md.contains("| full | 6,712 |") && md.contains("| frozen | 136 |"))

        let svgs = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".svg") }.sorted()
        #expect(svgs.contains("chart-loss.svg") && svgs.contains("chart-metric-intent.svg") && svgs.contains("chart-time-slots.svg"))
        for file in svgs {
            let doc = try XMLDocument(data: try Data(contentsOf: out.appendingPathComponent(file)), options: [])
            #expect(doc.rootElement()?.localName == "svg", "\(file)")
        }
        let html = try XMLDocument(data: try Data(contentsOf: out.appendingPathComponent("report.html")), options: [])
        #expect(try html.nodes(forXPath: "//*[local-name()='svg']").count == svgs.count)
        let loss = try XMLDocument(data: try Data(contentsOf: out.appendingPathComponent("chart-loss.svg")), options: [])
        #expect(try loss.nodes(forXPath: "//*[local-name()='circle']").count == 2)  // one epoch × two strategies

        // Again: both finished, nothing retrains.
        let again = try CLI.run(["compare", full, frozen, "--epochs", "1", "--out", out.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("full: already trained") && again.stdout.contains("frozen: already trained"))
        // More epochs: each run continues from its snapshot.
        let more = try CLI.run(["compare", full, frozen, "--epochs", "2", "--out", out.path])
        #expect(more.status == 0, "\(more.stderr)")
        #expect(more.stdout.components(separatedBy: "resuming from").count == 3)
        let metrics = try String(contentsOfFile: out.path + "/frozen/run/metrics.jsonl", encoding: .utf8)
        #expect(metrics.split(separator: "\n").count == 2)

        // A changed spec is refused before anything trains, naming the folder to remove.
        _ = try Self.spec(dir, "frozen", rules: Self.frozenBackbone, lr: "2e-3")
        let changed = try CLI.run(["compare", full, frozen, "--epochs", "3", "--out", out.path])
        #expect(changed.status == 1)
        #expect(changed.stderr == "error: \(frozen): compiles to a different plan than the one \(out.path)/frozen/run was trained with (the spec or a file it names changed); remove \(out.path)/frozen to retrain it, or compare into another --out\n")
        #expect(try String(contentsOfFile: out.path + "/full/run/metrics.jsonl", encoding: .utf8).split(separator: "\n").count == 2)

        // Another --limit than the run's is refused.
        try FileManager.default.removeItem(atPath: out.path + "/frozen")
        let limited = try CLI.run(["compare", full, "--limit", "4", "--out", out.path])
        #expect(limited.status == 1 && limited.stderr.contains("was trained with the full data, not --limit 4"))
    }

    @Test func refusesAFolderItDoesNotOwn() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let full = try Self.spec(dir, "full")
        let notes = dir.appendingPathComponent("notes.txt")
        try "mine\n".write(to: notes, atomically: true, encoding: .utf8)
        let result = try CLI.run(["compare", full, "--epochs", "1", "--out", dir.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("holds 'full.yaml', which mtstc compare did not write")
            || result.stderr.contains("holds 'notes.txt', which mtstc compare did not write"))
        #expect(try String(contentsOf: notes, encoding: .utf8) == "mine\n")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/report.md"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/full"))
    }
}
