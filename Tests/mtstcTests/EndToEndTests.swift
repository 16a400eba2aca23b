import Foundation
import Testing

/// The CLI on the tiny spec: compile, inspect, tokenize, embed, train, predict, bench.
@Suite(.serialized) struct EndToEndTests {
    @Test func compileInspectEmbedTrainPredict() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = dir.appendingPathComponent("tiny.plan").path

        let compile = try CLI.run(["compile", "Graphs/tiny.yaml", "-o", plan, "--json"])
        #expect(compile.status == 0, "\(compile.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(compile.stdout.utf8)) as? [String: Any])
        let fusions = try #require(summary["fusions"] as? [String: Int])
        #expect(fusions["qkv"] == 2 && fusions["bias_gelu"] == 2)
        #expect((summary["arena_bytes"] as? Int ?? 0) > 0)
        #expect((summary["backward_ops"] as? Int ?? 0) > 0)
        let params = try #require(summary["params"] as? [String: Int])
        #expect((params["trainable"] ?? 0) > 0 && params["frozen"] == 0)

        let inspect = try CLI.run(["inspect", plan])
        #expect(inspect.status == 0 && inspect.stdout.contains("fusions"))
        let dot = try CLI.run(["inspect", plan, "--dot"])
        #expect(dot.stdout.hasPrefix("digraph") && dot.stdout.contains("attentionProbs"))

        let tokens = try CLI.run(["tokenize", "--graph", plan, "show me flights", ""])
        let tokenLines = try CLI.jsonLines(tokens.stdout)
        #expect(tokenLines.count == 2)
        #expect((tokenLines[1]["ids"] as? [Int]) == [2, 3])  // an empty line is [CLS] [SEP]

        let input = dir.appendingPathComponent("in.txt")
        try "show me flights\n\nfrom boston to denver\n".write(to: input, atomically: true, encoding: .utf8)
        let embed = try CLI.run(["embed", "--graph", plan, "--input", input.path])
        #expect(embed.status == 0, "\(embed.stderr)")
        let lines = try CLI.jsonLines(embed.stdout)
        #expect(lines.map { $0["text"] as? String } == ["show me flights", "", "from boston to denver"])
        let embeddings = try lines.map { try #require($0["embedding"] as? [Double]) }
        for e in embeddings {
            #expect(e.count == 16)
            #expect(abs(e.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)  // L2-normalized
        }
        // The norm alone holds for any normalized output; the values must also depend on the
        // sentence and not on what else shares its batch (packed rows, attention per sentence).
        for i in embeddings.indices { for j in embeddings.indices where j > i {
            #expect(zip(embeddings[i], embeddings[j]).reduce(0) { $0 + $1.0 * $1.1 } < 0.9999, "sentences \(i) and \(j) embed alike")
        } }
        let alone = try CLI.jsonLines(try CLI.run(["embed", "--graph", plan, "from boston to denver"]).stdout)
        let single = try #require(alone.first?["embedding"] as? [Double])
        #expect(zip(single, embeddings[2]).allSatisfy { abs($0 - $1) < 1e-6 }, "a sentence embeds the same alone and in a batch")

        let out = dir.appendingPathComponent("run")
        let run = try CLI.run(["run", "--graph", plan, "--epochs", "2", "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("parameter groups"))
        let metrics = try CLI.jsonLines(try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8))
        #expect(metrics.count == 2)
        for key in ["epoch", "loss", "heads", "eval_loss", "sentence_acc", "retention", "lr", "train_seconds", "sentences_per_second",
                    "peak_rss_mb", "eval_seconds"] {
            #expect(metrics[1][key] != nil, "metrics.jsonl lacks \(key)")
        }
        let heads = try #require(metrics[1]["heads"] as? [String: [String: Any]])
        for key in ["loss", "eval_loss", "accuracy", "macro_f1"] { #expect(heads["intent"]?[key] is Double, "intent lacks \(key)") }
        for key in ["loss", "eval_loss", "f1", "precision", "recall"] { #expect(heads["slots"]?[key] is Double, "slots lacks \(key)") }
        #expect(heads["slots"]?["per_type"] is [String: [String: Any]])
        let retention = try #require(metrics[1]["retention"] as? [String: Double])
        #expect(retention.keys.sorted() == ["mean_cosine", "spearman"])
        #expect((metrics[1]["lr"] as? [String: Double])?.isEmpty == false)
        let predictions = try CLI.jsonLines(try String(contentsOf: out.appendingPathComponent("predictions.jsonl"), encoding: .utf8))
        #expect(predictions.count == 6)
        for p in predictions {
            #expect(p["dataset"] as? String == "test")
            let h = try #require(p["heads"] as? [String: [String: Any]])
            #expect(h.keys.sorted() == ["intent", "slots"])
            #expect((p["words"] as? [String])?.count == (h["slots"]?["pred"] as? [String])?.count)
            #expect((p["words"] as? [String])?.count == (h["slots"]?["gold"] as? [String])?.count)
            #expect(h["intent"]?["gold"] is String && h["intent"]?["pred"] is String)
        }

        let resumed = try CLI.run(["run", "--graph", plan, "--epochs", "3", "--resume", out.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try CLI.jsonLines(try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8)).count == 3)

        let ckpt = out.appendingPathComponent("checkpoint.safetensors").path
        let predict = try CLI.run(["predict", "--graph", plan, "--weights", ckpt, "show me flights from boston to denver"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let p = try #require(try CLI.jsonLines(predict.stdout).first)
        #expect((p["tags"] as? [String])?.count == 7)
        #expect(p["intent"] is String)

        let bench = try CLI.run(["bench", "--graph", plan, "--batch", "2", "--seq", "8", "--json", "--seconds", "0.2", "--train"])
        #expect(bench.status == 0, "\(bench.stderr)")
        let b = try #require(try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as? [String: Any])
        #expect((b["sentences_per_second"] as? Double ?? 0) > 0 && (b["peak_rss_mb"] as? Double ?? 0) > 0)
    }

    @Test func dumpAfterPrintsTheGraph() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tiny = CLI.root.appendingPathComponent("Graphs/tiny.yaml").path
        let r = try CLI.run(["compile", tiny, "--dump-after", "fuse-qkv"], cwd: dir)
        #expect(r.status == 0)
        #expect(r.stderr.contains("graph after fuse-qkv") && r.stderr.contains("attentionProbs"))
        // The dump is a view of the compile, which still writes its plan (Docs: README, compile).
        #expect(r.stdout.contains("\nwrote out.plan (") && FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.plan").path))
        let bad = try CLI.run(["compile", tiny, "--dump-after", "nope"], cwd: dir)
        #expect(bad.status != 0 && bad.stderr.contains("no pass named nope"))
    }
}
