import Foundation
import MTSTCompiler
import Testing
@testable import MTSTRuntime

@Suite struct EvaluationReportTests {
    private let gold = [
        Example(words: ["to", "boston"], tags: ["O", "B-city"], label: "flight", source: SourceLocation(file: "t", line: 1)),
        Example(words: ["fares", "to", "denver"], tags: ["O", "O", "B-city"], label: "airfare", source: SourceLocation(file: "t", line: 2)),
        Example(words: ["on", "monday"], tags: ["O", "B-day"], label: "day_name", source: SourceLocation(file: "t", line: 3)),
    ]
    private let intent = TaskHead(name: "intent", kind: .classification, dropout: 0, labels: ["flight", "airfare"], lossWeight: 1)
    private let slots = TaskHead(name: "slots", kind: .tagging, dropout: 0, labels: ["O", "B-city", "B-day"], lossWeight: 0.5)

    private func predictions(labels: [String], tags: [[String]], head: String = "slots") -> [Prediction] {
        zip(labels, tags).map { Prediction(labels: ["intent": $0], tags: [head: $1]) }
    }

    @Test func perHeadScores() throws {
        // Example 1 fully right; 2 has the right intent but a wrong tag; 3's intent was never
        // seen in training, so the model predicts something else.
        let report = EvaluationReport.evaluate(
            heads: [intent, slots], gold: gold, routes: Array(repeating: Route(label: "intent", tags: "slots"), count: 3),
            predictions: predictions(labels: ["flight", "airfare", "flight"], tags: [["O", "B-city"], ["O", "B-city", "B-city"], ["O", "B-day"]]),
            losses: ["intent": 0.5, "slots": 2])
        #expect(report.examples == 3)
        let i = try #require(report.heads["intent"]), s = try #require(report.heads["slots"])
        #expect(i.accuracy == Accuracy(correct: 2, total: 3))
        // flight P 1/2 R 1 → 2/3; airfare 1; day_name (gold only) 0: (2/3 + 1 + 0) / 3 = 5/9.
        #expect(abs((i.macroF1 ?? 0) - 5.0 / 9) < 1e-12)
        #expect(report.sentence == Accuracy(correct: 1, total: 3))
        let tags = try #require(s.tags)
        #expect([tags.goldChunks, tags.predictedChunks, tags.correctChunks] == [3, 4, 3] as [Int])
        #expect(tags.byType["city"] == ChunkCounts(gold: 2, predicted: 3, correct: 2))
        #expect(tags.byType["day"] == ChunkCounts(gold: 1, predicted: 1, correct: 1))
        #expect(report.loss == 0.5 + 0.5 * 2)
        #expect(report.summary == "intent acc 66.67 | slots F1 85.71 | sentence acc 33.33 | 3 examples")

        let row = EpochMetrics.heads(report, trainLoss: ["intent": 1.25])
        #expect(row["intent"]?.loss == 1.25 && row["slots"]?.loss == nil && row["slots"]?.eval_loss == 2)
        let city = try #require(row["slots"]?.per_type?["city"])
        #expect(city.support == 2 && city.recall == 100 && abs(city.precision - 200.0 / 3) < 1e-9 && abs(city.f1 - 80) < 1e-9)
    }

    @Test func sentenceAccuracyNeedsTwoHeads() {
        let report = EvaluationReport.evaluate(
            heads: [intent, slots], gold: gold, routes: Array(repeating: Route(label: "intent", tags: nil), count: 3),
            predictions: predictions(labels: ["flight", "airfare", "day_name"], tags: [[], [], []]))
        #expect(report.heads["slots"] == nil && report.sentence == nil)
        #expect(report.heads["intent"]?.accuracy == Accuracy(correct: 3, total: 3))
        #expect(report.summary == "intent acc 100.00 | 3 examples")
    }

    /// Two tagging heads fed by two datasets are each scored with their own predictions (a run
    /// that scored both datasets with the first tagging head reported slot F1 4.76).
    @Test func twoTaggingHeadsAreScoredOnTheirOwnData() throws {
        let ner = TaskHead(name: "ner", kind: .tagging, dropout: 0, labels: ["O", "B-person"], lossWeight: 1)
        let tweets = [
            Example(words: ["hi", "ana"], tags: ["O", "B-person"], source: SourceLocation(file: "n", line: 1)),
            Example(words: ["bob", "says"], tags: ["B-person", "O"], source: SourceLocation(file: "n", line: 3)),
        ]
        let atis = gold.map { e in var e = e; e.label = nil; return e }
        let routes = Array(repeating: Route(label: nil, tags: "slots"), count: 3) + Array(repeating: Route(label: nil, tags: "ner"), count: 2)
        // Each head is right on its own data and wrong (all "O") on the other's.
        let predicted = atis.map { Prediction(tags: ["slots": $0.tags!, "ner": $0.words.map { _ in "O" }]) }
            + tweets.map { Prediction(tags: ["ner": $0.tags!, "slots": $0.words.map { _ in "O" }]) }
        let report = EvaluationReport.evaluate(heads: [slots, ner], gold: atis + tweets, routes: routes, predictions: predicted)
        #expect(report.heads["slots"]?.tags?.f1 == 1 && report.heads["slots"]?.examples == 3)
        #expect(report.heads["ner"]?.tags?.f1 == 1 && report.heads["ner"]?.examples == 2)
        #expect(report.heads["ner"]?.tags?.byType.keys.sorted() == ["person"])
    }

    @Test func macroF1ByHand() {
        #expect(MacroF1.score(gold: [], predicted: []) == 0)
        #expect(MacroF1.score(gold: ["a", "a", "b"], predicted: ["a", "a", "b"]) == 1)
        // a: P 1, R 1/2 → 2/3; b: P 1/2, R 1/2 → 1/2; c (predicted, never gold): 0.
        let f = MacroF1.score(gold: ["a", "a", "b", "b"], predicted: ["a", "b", "b", "c"])
        #expect(abs(f - (2.0 / 3 + 1.0 / 2 + 0) / 3) < 1e-12)
    }
}
