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

    @Test func jointScores() throws {
        // Example 1 fully right; 2 has the right intent but a wrong tag; 3's intent was never
        // seen in training, so the model predicts something else.
        let report = EvaluationReport.evaluate(
            gold: gold,
            predictedLabels: ["flight", "airfare", "flight"],
            predictedTags: [["O", "B-city"], ["O", "B-city", "B-city"], ["O", "B-day"]])
        #expect(report.examples == 3)
        #expect(report.intent == Accuracy(correct: 2, total: 3))
        #expect(report.sentence == Accuracy(correct: 1, total: 3))
        let slots = try #require(report.slots)
        #expect([slots.goldChunks, slots.predictedChunks, slots.correctChunks] == [3, 4, 3] as [Int])
        #expect(report.summary == "intent acc 66.67 | slot F1 85.71 (P 75.00 R 100.00) | sentence acc 33.33 | 3 examples")
    }

    @Test func singleHeadReports() {
        let intentOnly = EvaluationReport.evaluate(gold: gold, predictedLabels: ["flight", "airfare", "day_name"], predictedTags: nil)
        #expect(intentOnly.slots == nil)
        #expect(intentOnly.sentence == Accuracy(correct: 3, total: 3))
        #expect(intentOnly.summary == "intent acc 100.00 | sentence acc 100.00 | 3 examples")
        let slotsOnly = EvaluationReport.evaluate(gold: gold, predictedLabels: nil, predictedTags: gold.map { $0.tags ?? [] })
        #expect(slotsOnly.intent == nil)
        #expect(slotsOnly.slots?.f1 == 1)
    }

    @Test func codableRoundTrip() throws {
        let report = EvaluationReport.evaluate(gold: gold, predictedLabels: ["flight", "x", "y"], predictedTags: [["O", "O"], ["O", "O", "B-city"], ["O", "B-day"]])
        let json = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(EvaluationReport.self, from: json) == report)
        #expect(String(decoding: json, as: UTF8.self).contains("\"value\""))
    }
}
