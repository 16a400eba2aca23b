import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// A run folder is also a sentence-transformers model folder: the files, the tensor names, the
/// config read back, the pooler, and what `--weights` accepts. (The check against the real
/// `SentenceTransformer` is `mtstcTests/SentenceTransformersReferenceTests`, when torch is there.)
@Suite(.serialized) struct SentenceTransformersFolderTests {
    static let root = EmbeddingParityTests.root

    static func plan(_ spec: String) throws -> Plan {
        try CompileDriver.compile(specPath: root.appendingPathComponent("Graphs/\(spec)").path)
    }

    /// Trains `epochs` epochs of `plan` into a new folder under `dir`.
    static func run(_ plan: Plan, epochs: Int = 1, in dir: URL, name: String = "run") throws -> String {
        let out = dir.appendingPathComponent(name).path
        let trainer = try Trainer(model: try Model(plan: plan), outDir: out, progress: ProgressReporter(isTerminal: false, enabled: false))
        trainer.log = { _ in }
        #expect(try trainer.run(epochs: epochs) == .finished)
        return out
    }

    static func keys(_ path: String) throws -> Set<String> { Set(try SafeTensorFile.readHeader(path: path).keys) }

    static func inode(_ path: String) -> UInt {
        var st = stat()
        return lstat(path, &st) == 0 ? UInt(st.st_ino) : 0
    }

    @Test func everySnapshotAndTheTopLevelHoldTheFolder() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = try PlanRoundTripTests.tinyPlan()
        let out = try Self.run(plan, epochs: 2, in: dir)
        let expected = ["config.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "modules.json",
                        "sentence_bert_config.json", "model.safetensors", "heads.safetensors", "1_Pooling/config.json"]
        for snapshot in ["epoch-0001", "epoch-0002"] {
            for name in expected {
                #expect(FileKind.of("\(out)/\(snapshot)/\(name)") == .regular, "\(snapshot)/\(name)")
            }
            #expect(FileKind.of("\(out)/\(snapshot)/2_Normalize") == .directory)
        }
        // The top-level files are the latest snapshot's, not copies.
        for name in expected {
            #expect(Self.inode("\(out)/\(name)") == Self.inode("\(out)/epoch-0002/\(name)"), "\(name)")
        }
        #expect(FileKind.of(out + "/2_Normalize") == .directory)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/vocab.txt")) == (try Data(contentsOf: URL(fileURLWithPath: plan.tokenizer.vocab.path))))
        // The resume files' checksums are unchanged in scope: state.json lists only them.
        let state = try #require(RunState.decode(try Data(contentsOf: URL(fileURLWithPath: out + "/epoch-0002/state.json"))))
        #expect(Set(state.files.keys).isSubset(of: RunFolder.snapshotFiles))
    }

    /// The backbone's tensors under exactly the names the architecture's description gives them
    /// (plus the pooler the Hugging Face class has), the heads and the pooling norm beside them.
    @Test(arguments: ["tiny.yaml", "tiny-distilbert.yaml", "tiny-mpnet.yaml"])
    func tensorNamesAreTheDescriptionsHuggingFaceNames(spec: String) throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = try Self.plan(spec)
        let out = try Self.run(plan, in: dir)
        let backbone = try #require(plan.model.backbone)
        let described = try ModelDescription.parameters(plan.model).compactMap(\.checkpointName)
        let hf = Set(described.filter { !SentenceTransformersFolder.isMtstcName($0) })
        let pooler: Set = backbone.huggingFace.pooler ? ["pooler.dense.weight", "pooler.dense.bias"] : []
        #expect(try Self.keys(out + "/model.safetensors") == hf.union(pooler))
        #expect(try Self.keys(out + "/heads.safetensors") == Set(described).subtracting(hf))
        let heads = try Self.keys(out + "/heads.safetensors")
        #expect(!hf.contains { $0.hasPrefix("heads.") } && !heads.isEmpty)

        // The backbone's values are the checkpoint's, bit for bit; the pooler of a randomly
        // initialised backbone is zeros.
        let model = try SafeTensorFile.read(path: out + "/model.safetensors")
        let checkpoint = try SafeTensorFile.read(path: out + "/checkpoint.safetensors")
        for name in hf { #expect(model.tensors[name] == checkpoint.tensors[name], "\(name)") }
        for name in pooler { #expect(model.tensors[name]?.data.allSatisfy { $0 == 0 } == true) }
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/config.json"))) as? [String: Any])
        #expect(config["architectures"] as? [String] == [backbone.huggingFace.modelClass])
        #expect(config["model_type"] as? String == backbone.modelTypes[0])
    }

    /// config.json read back as `backbone.config` describes the same backbone.
    @Test(arguments: ["tiny.yaml", "tiny-distilbert.yaml", "tiny-mpnet.yaml"])
    func configRoundTrips(spec: String) throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = try Self.plan(spec)
        let out = try Self.run(plan, in: dir)
        let yaml = "name: back\nbackbone:\n  config: \(out)/config.json\ntokenizer:\n  vocab: \(out)/vocab.txt\n"
        let read = ModelConfig(spec: try Spec.parse(yaml: yaml, path: dir.appendingPathComponent("back.yaml").path))
        var expected = plan.model
        (expected.taskHeads, expected.pooling, expected.normalize, expected.initSeed) = (read.taskHeads, read.pooling, read.normalize, read.initSeed)
        #expect(read == expected)
        let st = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/sentence_bert_config.json"))) as? [String: Any])
        #expect(st["max_seq_length"] as? Int == plan.maxTokens(for: plan.inference))
    }

    /// Weights that carry a pooler pass it on unchanged: mtstc neither uses nor trains it.
    @Test func poolerComesFromTheSourceWeights() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try Self.run(try PlanRoundTripTests.tinyPlan(), in: dir, name: "first")
        // A `BertForX`-style file: every backbone tensor under `bert.`, the pooler among them.
        let tensors = try SafeTensorFile.read(path: first + "/model.safetensors").tensors.filter { !$0.key.hasPrefix("pooler.") }
        let weight = (0..<256).map { Float($0) / 256 - 0.5 }, bias = (0..<16).map { Float($0) / 16 }
        let renamed = tensors.sorted { $0.key < $1.key }.map { (name: "bert." + $0.key, shape: $0.value.shape, data: $0.value.data) }
            + [("bert.pooler.dense.weight", [16, 16], weight), ("bert.pooler.dense.bias", [16], bias)]
        let weights = dir.appendingPathComponent("w.safetensors").path
        try SafeTensorsWriter.write(path: weights, tensors: renamed)
        let spec = try String(contentsOf: Self.root.appendingPathComponent("Graphs/tiny.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  init_seed: 0\n", with: "  init_seed: 0\n  weights: \(weights)\n")
            .replacingOccurrences(of: "vocab: tiny-vocab.txt", with: "vocab: \(Self.root.path)/Graphs/tiny-vocab.txt")
            .replacingOccurrences(of: "path: tiny-data/", with: "path: \(Self.root.path)/Graphs/tiny-data/")
        let specPath = dir.appendingPathComponent("w.yaml").path
        try spec.write(toFile: specPath, atomically: true, encoding: .utf8)
        let out = try Self.run(try CompileDriver.compile(specPath: specPath), in: dir, name: "second")
        let model = try SafeTensorFile.read(path: out + "/model.safetensors")
        #expect(model.tensors["pooler.dense.weight"]?.data == weight)
        #expect(model.tensors["pooler.dense.bias"]?.data == bias)
    }

    @Test func weightsResolveFromARunOrASnapshotFolder() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try Self.run(try PlanRoundTripTests.tinyPlan(), epochs: 3, in: dir)
        #expect(try CheckpointPath.resolve(out) == out + "/epoch-0003/checkpoint.safetensors")
        #expect(try CheckpointPath.resolve(out + "/epoch-0002") == out + "/epoch-0002/checkpoint.safetensors")
        #expect(try CheckpointPath.resolve(out + "/checkpoint.safetensors") == out + "/checkpoint.safetensors")
        #expect(throws: CheckpointPathError.self) { try CheckpointPath.resolve(dir.path) }
        let broken = dir.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        for latest in ["../../etc\n", "epoch-0009\n"] {
            try latest.write(to: broken.appendingPathComponent("latest"), atomically: true, encoding: .utf8)
            #expect(throws: CheckpointPathError.self) { try CheckpointPath.resolve(broken.path) }
        }

        // A snapshot's checkpoint gives that epoch's model; the run folder, the latest one.
        let texts = ["from boston to denver", "flights to atlanta"]
        func embed(_ weights: String?) throws -> [[Float]] {
            let model = try Model(plan: try PlanRoundTripTests.tinyPlan())
            if let weights { try Checkpoint.load(weights, into: model, requireHeads: false) }
            return try model.embed(texts)
        }
        let latest = try embed(out)
        #expect(latest == (try embed(out + "/epoch-0003/checkpoint.safetensors")))
        #expect(latest != (try embed(out + "/epoch-0002")))
        #expect(latest != (try embed(nil)))
        // The exported backbone alone (no heads; the pooler is skipped) embeds the same.
        #expect(latest == (try embed(out + "/model.safetensors")))
    }

    @Test func aNewRunRefusesAFolderHoldingAnotherModelsFiles() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("hf")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try "{\"mine\": true}".write(to: out.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let trainer = try TrainerResumeTests.trainer(out)
        #expect(throws: TrainingError.self) { try trainer.run(epochs: 1) }
        #expect(try String(contentsOf: out.appendingPathComponent("config.json"), encoding: .utf8) == "{\"mine\": true}")
        #expect(FileKind.of(out.appendingPathComponent("latest").path) == nil)
    }

    @Test func overwriteRemovesTheExportAndLeavesOtherFiles() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try Self.run(try PlanRoundTripTests.tinyPlan(), in: dir)
        try "mine".write(toFile: out + "/1_Pooling/notes.txt", atomically: true, encoding: .utf8)
        RunFolder(path: out).clear()
        let left = try FileManager.default.subpathsOfDirectory(atPath: out).sorted()
        #expect(left == ["1_Pooling", "1_Pooling/notes.txt"])
    }
}
