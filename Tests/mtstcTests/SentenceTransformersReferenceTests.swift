import Foundation
import Testing

/// The Python that runs `Scripts/reference/check_st_folder.py`: `MTSTC_REFERENCE_PYTHON`, else a
/// `.venv-reference` in or beside the repository. CI has no torch, so there these tests skip.
enum ReferencePython {
    static let path: String? = {
        if let p = ProcessInfo.processInfo.environment["MTSTC_REFERENCE_PYTHON"], !p.isEmpty { return p }
        let candidates = [CLI.root.appendingPathComponent(".venv-reference/bin/python"),
                          CLI.root.deletingLastPathComponent().appendingPathComponent(".venv-reference/bin/python")]
        return candidates.map(\.path).first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let skipped = "no reference Python: set MTSTC_REFERENCE_PYTHON to a python with torch and sentence-transformers (Scripts/reference/README.md)"

    /// Runs a script with the reference Python; returns its status and both outputs.
    static func run(_ arguments: [String]) throws -> CLI.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "python3")
        process.arguments = arguments
        process.currentDirectoryURL = CLI.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// `SentenceTransformer(run_dir)` loads what `mtstc run` wrote and encodes as `mtstc embed
/// --weights run_dir` does, to 1e-5; the backbone class loads with no missing or unexpected key.
@Suite(.serialized) struct SentenceTransformersReferenceTests {
    static let sentences = [
        "from boston to denver", "show me flights to atlanta on monday", "",
        "Which AIRLINES fly from Boston?!", "café naïve résumé — ünïcödé", "北京 to 東京 flights",
        Array(repeating: "what flights leave from new york to san francisco", count: 40).joined(separator: " "),
    ]

    /// Compiles `Graphs/<spec>` (with `edit` applied, local paths made absolute) into `scratch`.
    static func plan(_ spec: String, in scratch: Scratch, edit: (String) -> String = { $0 }) throws -> String {
        var yaml = try String(contentsOf: CLI.root.appendingPathComponent("Graphs/" + spec), encoding: .utf8)
        yaml = edit(yaml)
        for local in ["tiny-vocab.txt", "tiny-mpnet-vocab.txt", "tiny-data/", "../Assets/"] {
            yaml = yaml.replacingOccurrences(of: " " + local, with: " " + CLI.root.path + "/Graphs/" + local)
        }
        let specPath = scratch.file("spec.yaml")
        try yaml.write(toFile: specPath, atomically: true, encoding: .utf8)
        let plan = scratch.file("p.plan")
        let r = try CLI.run(["compile", specPath, "-o", plan])
        try #require(r.status == 0, "\(r.stderr)")
        return plan
    }

    /// Trains, embeds with `--weights RUN`, and runs the reference check; returns its report line.
    static func check(_ plan: String, _ label: String, in scratch: Scratch, runArguments: [String] = ["--epochs", "1"]) throws -> String {
        let out = scratch.file("run")
        let r = try CLI.run(["run", "--graph", plan, "--out", out] + runArguments, timeout: 1200)
        try #require(r.status == 0, "\(r.stderr)")
        let input = scratch.file("sentences.txt")
        try (sentences.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let embed = try CLI.run(["embed", "--graph", plan, "--weights", out, "--input", input])
        try #require(embed.status == 0, "\(embed.stderr)")
        try embed.stdout.write(toFile: scratch.file("embeddings.jsonl"), atomically: true, encoding: .utf8)
        let check = try ReferencePython.run(["Scripts/reference/check_st_folder.py", out, input, scratch.file("embeddings.jsonl")])
        #expect(check.status == 0, "\(check.stderr)")
        print("check_st_folder \(label): \(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
        return check.stdout
    }

    @Test(.enabled(if: ReferencePython.path != nil, Comment(rawValue: ReferencePython.skipped)),
          arguments: ["tiny.yaml", "tiny-distilbert.yaml", "tiny-mpnet.yaml"])
    func tinyRunFolderLoadsInSentenceTransformers(spec: String) throws {
        let scratch = try Scratch(tmpfsBytes: nil)
        _ = try Self.check(try Self.plan(spec, in: scratch), spec, in: scratch)
    }

    /// Each pooling and normalization the spec offers maps onto sentence-transformers' modules.
    @Test(.enabled(if: ReferencePython.path != nil, Comment(rawValue: ReferencePython.skipped)),
          arguments: [("cls", "l2"), ("max", "none"), ("mean", "none")])
    func poolingAndNormalizeMapOntoModules(pooling: String, normalize: String) throws {
        let scratch = try Scratch(tmpfsBytes: nil)
        let plan = try Self.plan("tiny.yaml", in: scratch) {
            $0.replacingOccurrences(of: "pooling: mean\nnormalize: l2", with: "pooling: \(pooling)\nnormalize: \(normalize)")
        }
        _ = try Self.check(plan, "tiny.yaml, pooling \(pooling), normalize \(normalize)", in: scratch)
    }

    static let miniLM = CLI.root.appendingPathComponent("Assets/all-MiniLM-L6-v2/model.safetensors").path
    static let haveMiniLM = FileManager.default.fileExists(atPath: miniLM)
        && FileManager.default.fileExists(atPath: CLI.root.appendingPathComponent("Assets/atis/train_dev").path)

    @Test(.enabled(if: ReferencePython.path != nil && haveMiniLM, "needs the reference Python and Assets/ (all-MiniLM-L6-v2, ATIS)"))
    func miniLMRunFolderLoadsInSentenceTransformers() throws {
        let scratch = try Scratch(tmpfsBytes: nil)
        let plan = try Self.plan("multitask.yaml", in: scratch)
        _ = try Self.check(plan, "multitask.yaml --epochs 1 --limit 64", in: scratch, runArguments: ["--epochs", "1", "--limit", "64"])
    }

    /// The untrained model's own weights, passed as `--weights`, embed exactly as the plan does.
    @Test(.enabled(if: haveMiniLM, "needs Assets/ (all-MiniLM-L6-v2, ATIS)"))
    func embedWithTheUntrainedWeightsEqualsEmbedWithout() throws {
        let scratch = try Scratch(tmpfsBytes: nil)
        let plan = try Self.plan("multitask.yaml", in: scratch)
        let plain = try CLI.run(["embed", "--graph", plan] + Self.sentences)
        let weighted = try CLI.run(["embed", "--graph", plan, "--weights", Self.miniLM] + Self.sentences)
        #expect(plain.status == 0 && weighted.status == 0, "\(plain.stderr)\(weighted.stderr)")
        #expect(!plain.stdout.isEmpty && plain.stdout == weighted.stdout)
    }
}
