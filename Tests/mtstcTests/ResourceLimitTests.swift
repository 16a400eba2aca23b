import Foundation
import Testing

/// Absurd sizes are refused with the numbers before anything is allocated, and compile
/// reports the memory it predicts.
@Suite(.serialized) struct ResourceLimitTests {
    /// A copy of Graphs/tiny.yaml with one replacement, beside links to its vocabulary and data.
    static func spec(_ from: String, _ to: String, in dir: URL) throws -> String {
        var yaml = try String(contentsOf: CLI.root.appendingPathComponent("Graphs/tiny.yaml"), encoding: .utf8)
        #expect(yaml.contains(from))
        yaml = yaml.replacingOccurrences(of: from, with: to)
        let spec = dir.appendingPathComponent("spec.yaml")
        try yaml.write(to: spec, atomically: true, encoding: .utf8)
        for f in ["tiny-vocab.txt", "tiny-data"] where !FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path) {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(f),
                                                       withDestinationURL: CLI.root.appendingPathComponent("Graphs/\(f)"))
        }
        return spec.path
    }

    @Test func absurdSpecSizesAreRefusedAtTheirKey() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, String, String)] = [
            ("hidden_size: 16", "hidden_size: 10000000",
             "spec.yaml:7:16: backbone.hidden_size: the weights, gradients and AdamW moments alone need 11920971.72 GiB, over --max-memory 8.00 GiB"),
            ("num_layers: 2", "num_layers: 1000000000",
             "spec.yaml:8:15: backbone.num_layers: 1000000000 layers make 16000000009 parameter tensors; at most 65536 are supported"),
            ("num_layers: 2", "num_layers: 60000",
             "spec.yaml:8:15: backbone.num_layers: 60000 layers make 960009 parameter tensors; at most 65536 are supported"),
            ("max_batch: 4", "max_batch: 100000", "spec.yaml:58:14: compile.max_batch: 100000 exceeds the supported maximum 65536"),
            ("hidden_size: 16", "hidden_size: 4000000000000000000",
             "spec.yaml:7:16: backbone.hidden_size: the parameter sizes (hidden 4000000000000000000, intermediate 32, vocabulary 65) overflow 64-bit element counts"),
        ]
        for (from, to, message) in cases {
            let spec = try Self.spec(from, to, in: dir)
            let r = try CLI.run(["compile", spec, "--max-memory", "8G"])
            #expect(r.status == 1)
            #expect(r.stderr == "error: \(dir.path)/\(message)\n")
        }
        // Over the limit by the arena: the batch size is what to lower.
        let small = try Self.spec("max_batch: 4", "max_batch: 4", in: dir)
        let r = try CLI.run(["compile", small, "--max-memory", "26.2M"])
        #expect(r.stderr.hasPrefix("error: \(dir.path)/spec.yaml:58:14: compile.max_batch: predicted peak memory "))
        #expect(r.stderr.hasSuffix(" exceeds --max-memory 26.2 MiB\n"))
        // Below what the process needs before any model: no setting of the spec can help.
        let tiny = try CLI.run(["compile", small, "--max-memory", "1M"])
        #expect(tiny.stderr.hasPrefix("error: \(dir.path)/spec.yaml: predicted peak memory "))
        #expect(tiny.stderr.hasSuffix(" exceeds --max-memory 1.0 MiB, which is below the 26.0 MiB mtstc and its tokenizer need before any model buffer; raise --max-memory\n"))
    }

    @Test func compilePrintsThePredictedPeak() throws {
        // In a scratch folder: compile writes its default out.plan into the working directory.
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tiny = CLI.root.appendingPathComponent("Graphs/tiny.yaml").path
        let r = try CLI.run(["compile", tiny, "--json"], cwd: dir)
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let peak = try #require(json["predicted_peak_bytes"] as? Int)
        let parts = try #require(json["predicted_memory"] as? [String: Int])
        #expect(parts["predicted_peak_bytes"] == peak)
        let sum = ["runtime", "weights", "gradients", "moments", "arena", "update_arena"].compactMap { parts[$0] }.reduce(0, +)
        #expect(sum == peak)
        #expect((parts["gradients"] ?? 0) > 0 && parts["moments"] == 2 * (parts["gradients"] ?? 0))
        let text = try CLI.run(["compile", tiny], cwd: dir)
        #expect(text.stdout.contains("  predicted peak memory (training at the maxima): "))
    }

    @Test func benchChecksSizesBeforeAllocating() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gemm = try CLI.run(["bench", "--gemm", "100000,100000,100000", "--max-memory", "8G"])
        #expect(gemm.stderr == "error: this benchmark needs 111.76 GiB (A, B and C of 100000×100000, 100000×100000, 100000×100000 floats), over --max-memory 8.00 GiB\n")
        let wide = try CLI.run(["bench", "--gemm", "4000000000,10,10"])
        #expect(wide.status == 64)
        #expect(wide.stderr.hasPrefix("Error: --gemm expects M,N,K or M,N,K,NT with each size from 1 to 2147483647\n"))
        let plan = dir.appendingPathComponent("tiny.plan").path
        #expect(try CLI.run(["compile", "Graphs/tiny.yaml", "-o", plan]).status == 0)
        let batch = try CLI.run(["bench", "--graph", plan, "--batch", "100000000"])
        #expect(batch.stderr == "error: \(plan): batch 100000000×32 exceeds the plan's maximum 4×32; raise compile.max_batch / max_seq in the spec\n")
        let ok = try CLI.run(["bench", "--graph", plan, "--batch", "4", "--seq", "16", "--seconds", "0", "--iterations", "1", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])
        #expect((json["predicted_peak_mb"] as? Double ?? 0) > 0)
    }
}
