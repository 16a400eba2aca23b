import Foundation
import Testing
@testable import MTSTRuntime

@Suite struct RunMetricsTests {
    @Test func readsTheOutputContract() throws {
        let text = """
            {"epoch": 1, "loss": 1.5, "heads": {"intent": {"loss": 0.9, "accuracy": 81.5, "macro_f1": 40.25}, "ner": {"loss": 0.6, "f1": 30.5, "precision": 33, "recall": 28.1, "per_type": {"person": {"f1": 12}}}}, "retention": {"spearman": 0.97, "mean_cosine": 0.99}, "lr": {"heads.intent": 0.0002, "layers[5]": 0.00019}, "train_seconds": 10.5, "peak_rss_mb": 512, "eval_loss": 1.2}
            {"epoch": 2, "loss": 0.75, "heads": {"intent": {"loss": 0.5, "accuracy": 90, "macro_f1": 60}}, "train_seconds": 9.5, "peak_rss_mb": 530}

            """
        let m = try RunMetrics.parse(text, file: "m.jsonl")
        #expect(m.rows.count == 2)
        let first = m.rows[0]
        #expect(first.epoch == 1 && first.loss == 1.5)
        #expect(first.heads["intent"] == ["loss": 0.9, "accuracy": 81.5, "macro_f1": 40.25])
        #expect(first.heads["ner"] == ["loss": 0.6, "f1": 30.5, "precision": 33, "recall": 28.1])
        #expect(first.spearman == 0.97 && first.meanCosine == 0.99)
        #expect(first.lr == ["heads.intent": 0.0002, "layers[5]": 0.00019])
        #expect(first.trainSeconds == 10.5 && first.peakRSSMB == 512)
        // The second row lacks retention and a head: absent, not an error.
        #expect(m.rows[1].spearman == nil && m.rows[1].heads["ner"] == nil)
        #expect(m.cumulativeSeconds == [10.5, 20])
        #expect(m.last?.epoch == 2)
    }

    /// A row as slice A's `mtstc run` writes it on Graphs/tiny.yaml (copied from a real run).
    @Test func readsARealRow() throws {
        let text = #"""
            {"epoch":1,"eval_loss":2.6458083124999567,"eval_seconds":0.035517334938049316,"heads":{"intent":{"accuracy":33.33333333333333,"eval_loss":1.0891911323095056,"examples":6,"loss":1.0991417467594147,"macro_f1":16.666666666666664},"slots":{"eval_loss":1.5566171801904511,"examples":6,"f1":15.384615384615383,"loss":1.5811488330364227,"per_type":{"x":{"f1":10.526315789473683,"precision":7.6923076923076925,"recall":16.666666666666664,"support":6},"y":{"f1":28.57142857142857,"precision":100,"recall":16.666666666666664,"support":6}},"precision":14.285714285714285,"recall":16.666666666666664}},"loss":2.6802905797958374,"lr":{"embeddings":0.00025,"heads.intent":0.00025,"heads.slots":0.00025,"layers":0.00025},"peak_rss_mb":33.234375,"retention":{"mean_cosine":0.9696784160328414,"spearman":0.975},"sentence_acc":0,"sentences_per_second":79.76824383274416,"train_seconds":0.20058107376098633}
            """#
        let row = try #require(try RunMetrics.parse(text, file: "m").rows.first)
        #expect(abs((row.heads["intent"]?["accuracy"] ?? 0) - 100.0 / 3) < 1e-9 && row.heads["intent"]?["examples"] == 6)
        #expect(abs((row.heads["slots"]?["f1"] ?? 0) - 15.384615384615383) < 1e-9 && row.heads["slots"]?["per_type"] == nil)
        #expect(row.spearman == 0.975 && row.sentenceAccuracy == 0 && row.lr["layers"] == 0.00025)
    }

    @Test func flatRowsOfEarlierRunsGoToThePlansHeads() throws {
        let text = """
            {"epoch":2,"eval_seconds":1,"intent_acc":88.5,"loss":0.5,"peak_rss_mb":100,"sentence_acc":70,"sentences_per_second":5,"slot_f1":91.25,"train_seconds":3}
            {"epoch":1,"eval_seconds":1,"intent_acc":80,"loss":0.9,"peak_rss_mb":90,"sentence_acc":60,"sentences_per_second":5,"slot_f1":85,"train_seconds":4}
            """
        let m = try RunMetrics.parse(text, file: "m.jsonl", legacy: .init(classification: "intent", tagging: "slots"))
        #expect(m.rows.map(\.epoch) == [1, 2])  // sorted
        #expect(m.rows[1].heads == ["intent": ["accuracy": 88.5], "slots": ["f1": 91.25]])
        #expect(m.rows[1].sentenceAccuracy == 70)
        #expect(m.rows[1].spearman == nil)
        let pairs = try RunMetrics.parse("{\"epoch\": 1, \"pair_acc\": 75}\n", file: "m", legacy: .init(contrastive: "para"))
        #expect(pairs.rows[0].heads == ["para": ["pair_acc": 75]])
        // Without a plan to name them, flat keys are not invented into heads.
        #expect(try RunMetrics.parse(text, file: "m.jsonl").rows[0].heads.isEmpty)
    }

    @Test func onlyTheEpochIsRequired() throws {
        let m = try RunMetrics.parse("{\"epoch\": 3, \"loss\": null, \"heads\": {\"a\": {\"accuracy\": \"x\", \"f1\": true}}}\n", file: "m")
        #expect(m.rows.count == 1 && m.rows[0].loss == nil && m.rows[0].heads["a"] == [:])
    }

    @Test func badLinesNameFileAndLine() {
        #expect(throws: CompareError.metrics(file: "run/metrics.jsonl", line: 2, "not a JSON object")) {
            try RunMetrics.parse("{\"epoch\": 1}\n{\"epoch\": 2\n", file: "run/metrics.jsonl")
        }
        #expect(throws: CompareError.metrics(file: "m", line: 1, "no integer \"epoch\"")) {
            try RunMetrics.parse("{\"epoch\": 1.5}\n", file: "m")
        }
        #expect(throws: CompareError.metrics(file: "m", line: 1, "not a JSON object")) {
            try RunMetrics.parse("[1, 2]\n", file: "m")
        }
    }

    @Test func unreadableFile() {
        #expect(throws: CompareError.self) { try RunMetrics.read(path: "/nonexistent/metrics.jsonl") }
    }
}
