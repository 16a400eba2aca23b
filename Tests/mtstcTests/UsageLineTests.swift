import Foundation
import Testing

/// The design's usage line, typed as written from the repository root:
/// `mtstc compile graphs/multitask.yaml` then `mtstc run --graph out.plan`. Each test runs in a
/// scratch folder laid out like the root (`Graphs/`, `Assets/`), so nothing lands in the checkout.
struct UsageLineTests {
    static let assets = CLI.root.appendingPathComponent("Assets")
    static let haveAssets = ["all-MiniLM-L6-v2/model.safetensors", "all-MiniLM-L6-v2/vocab.txt", "atis/train_dev", "atis/test"]
        .allSatisfy { FileManager.default.fileExists(atPath: assets.appendingPathComponent($0).path) }
    /// A debug build's unoptimised kernels and checksums take many minutes to reach the first
    /// MiniLM step; the suite CI runs (Scripts/test.sh) is the optimised one.
    #if DEBUG
    static let optimized = false
    #else
    static let optimized = true
    #endif

    /// A folder with `Graphs/<spec>` copied from the repository and its neighbours linked.
    func rootLike(spec: String, links: [String]) throws -> URL {
        let dir = try CLI.temporaryDirectory()
        let graphs = dir.appendingPathComponent("Graphs")
        try FileManager.default.createDirectory(at: graphs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("Graphs/\(spec)"), to: graphs.appendingPathComponent(spec))
        for link in links {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(link),
                                                       withDestinationURL: CLI.root.appendingPathComponent(link))
        }
        return dir
    }

    func isPlan(_ url: URL) -> Bool {
        FileManager.default.contents(atPath: url.path).map { $0.starts(with: Array("MTSTPLAN".utf8)) } ?? false
    }

    @Test func tinySpecCompilesToOutPlanAndRuns() throws {
        let dir = try rootLike(spec: "tiny.yaml", links: ["Graphs/tiny-vocab.txt", "Graphs/tiny-data"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = dir.appendingPathComponent("out.plan")
        let compile = try CLI.run(["compile", "graphs/tiny.yaml"], cwd: dir)
        #expect(compile.status == 0, "\(compile.stderr)")
        #expect(compile.stderr == "note: graphs/tiny.yaml does not exist; compiling Graphs/tiny.yaml, the one file that matches it ignoring case\n")
        #expect(compile.stdout.contains("mtstc plan tiny (from Graphs/tiny.yaml)"))
        #expect(compile.stdout.contains("\nwrote out.plan ("))
        #expect(isPlan(plan))
        let run = try CLI.run(["run", "--graph", "out.plan"], cwd: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs/tiny/latest").path))
        // Compiling again replaces the plan; the exact spelling compiles without a note.
        let again = try CLI.run(["compile", "Graphs/tiny.yaml"], cwd: dir)
        #expect(again.status == 0 && again.stderr.isEmpty, "\(again.stderr)")
        #expect(isPlan(plan))
    }

    @Test func theDefaultOutputNeverReplacesAFileThatIsNotAPlan() throws {
        let dir = try rootLike(spec: "tiny.yaml", links: ["Graphs/tiny-vocab.txt", "Graphs/tiny-data"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = dir.appendingPathComponent("out.plan")
        try "my notes".write(to: plan, atomically: true, encoding: .utf8)
        for args in [["compile", "Graphs/tiny.yaml"], ["compile", "Graphs/tiny.yaml", "--json"], ["compile", "Graphs/tiny.yaml", "-o", "out.plan"]] {
            let r = try CLI.run(args, cwd: dir)
            #expect(r.status == 1)
            #expect(r.stderr == "error: out.plan: cannot write plan: a file that is not an mtstc plan is in the way; only a plan is ever replaced\n")
            #expect(r.stdout.isEmpty)
        }
        #expect(try String(contentsOf: plan, encoding: .utf8) == "my notes")
        // --json keeps stdout one JSON object and says where the plan went on stderr.
        try FileManager.default.removeItem(at: plan)
        let json = try CLI.run(["compile", "Graphs/tiny.yaml", "--json"], cwd: dir)
        #expect(json.status == 0)
        #expect(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) is [String: Any])
        #expect(json.stderr.hasPrefix("wrote out.plan ("))
        #expect(isPlan(plan))
    }

    /// Training the full spec takes about 20 minutes: it starts, reports its first steps, then
    /// Ctrl-C saves a resumable snapshot and exits 130.
    @Test(.enabled(if: haveAssets, "needs Assets/ (all-MiniLM-L6-v2 and ATIS; Scripts/fetch-assets.sh)"),
          .enabled(if: optimized, "trains the real model: runs in the release suite (Scripts/test.sh)"))
    func multitaskUsageLineAsWritten() throws {
        let dir = try rootLike(spec: "multitask.yaml", links: ["Assets"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let compile = try CLI.run(["compile", "graphs/multitask.yaml"], cwd: dir, timeout: 900)
        try #require(compile.status == 0, "\(compile.stderr)")
        #expect(compile.stdout.contains("\nwrote out.plan ("))
        let child = try Child(["run", "--graph", "out.plan"], cwd: dir)
        let stepped = child.waitFor(" step ")
        child.signal(SIGINT)
        let (status, stdout) = child.finish()
        try #require(stepped, "the run ended before its first step: \(stdout)")
        #expect(status == 130, "\(stdout)")
        #expect(stdout.contains("interrupted at"), "\(stdout)")
        let run = dir.appendingPathComponent("runs/atis-minilm")
        let latest = try #require(RunComparison.latest(run.path))
        #expect(latest.hasPrefix("epoch-0001-step-"), "\(latest)")  // inside the first epoch
        for file in ["checkpoint.safetensors", "optimizer.safetensors", "state.json"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("\(latest)/\(file)").path), "\(file)")
        }
    }
}
