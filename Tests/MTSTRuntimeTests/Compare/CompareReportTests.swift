import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

@Suite struct CompareReportTests {
    static let heads = [
        TaskHead(name: "intent", kind: .classification, dropout: 0.1, labels: ["a", "b"], lossWeight: 1),
        TaskHead(name: "slots", kind: .tagging, dropout: 0.1, labels: ["O", "B-x"], lossWeight: 1),
    ]

    static func result(_ name: String, trainable: Int, metrics: String?) throws -> StrategyResult {
        var stats = CompileStats()
        stats.trainableParams = trainable
        stats.backwardOps = trainable / 1000
        stats.arenaBytesTrain = 3 << 20
        return StrategyResult(name: name, specPath: "Graphs/\(name).yaml", heads: heads, stats: stats,
                              metrics: try metrics.map { try RunMetrics.parse($0, file: name) })
    }

    static var report: CompareReport {
        get throws {
            CompareReport(results: [
                try result("full", trainable: 22_620_431, metrics: """
                    {"epoch": 1, "loss": 1.5, "heads": {"intent": {"loss": 0.9, "accuracy": 81.5, "macro_f1": 40}, "slots": {"loss": 0.6, "f1": 70, "precision": 71, "recall": 69}}, "retention": {"spearman": 0.9, "mean_cosine": 0.95}, "train_seconds": 10, "peak_rss_mb": 500}
                    {"epoch": 2, "loss": 0.5, "heads": {"intent": {"loss": 0.4, "accuracy": 95.25, "macro_f1": 60}, "slots": {"loss": 0.2, "f1": 90.5, "precision": 91, "recall": 90}}, "retention": {"spearman": 0.8, "mean_cosine": 0.9}, "train_seconds": 12, "peak_rss_mb": 520}
                    """),
                try result("frozen <x>", trainable: 55_055, metrics: """
                    {"epoch": 1, "loss": 2.5, "heads": {"intent": {"accuracy": 60}}, "train_seconds": 2, "peak_rss_mb": 200}
                    """),
                try result("not-started", trainable: 1000, metrics: nil),
            ], command: "mtstc compare a.yaml b.yaml --out x")
        }
    }

    @Test func markdownHasOneRowPerStrategy() throws {
        let md = try Self.report.markdown()
        let lines = md.split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex { $0.hasPrefix("| strategy | trainable params") })
        #expect(lines[first] == "| strategy | trainable params | backward ops | training arena | peak RSS | s / epoch | epochs | intent accuracy | slots f1 | sentence acc | retention spearman | retention mean cos |")
        #expect(lines[first + 2] == "| full | 22,620,431 | 22620 | 3.0 MiB | 520.0 MiB | 11.0 | 2 | 95.25 | 90.50 | — | 0.8000 | 0.9000 |")
        #expect(lines[first + 3] == "| frozen <x> | 55,055 | 55 | 3.0 MiB | 200.0 MiB | 2.0 | 1 | 60.00 | — | — | — | — |")
        #expect(lines[first + 4] == "| not-started | 1,000 | 1 | 3.0 MiB | — | — | 0 | — | — | — | — | — |")
        #expect(md.contains("| strategy | head | loss | accuracy | macro_f1 | f1 | precision | recall |"))
        #expect(md.contains("| full | slots | 0.2000 | — | — | 90.50 | 91.00 | 90.00 |"))
        #expect(md.contains("Command: `mtstc compare a.yaml b.yaml --out x`"))
        for c in try Self.report.charts { #expect(md.contains("](\(c.file))")) }
    }

    @Test func chartsCoverLossHeadsRetentionAndTime() throws {
        let report = try Self.report
        let charts = report.charts
        #expect(charts.map(\.file) == ["chart-loss.svg", "chart-metric-intent.svg", "chart-metric-slots.svg",
                                       "chart-retention-spearman.svg", "chart-retention-cosine.svg",
                                       "chart-time-intent.svg", "chart-time-slots.svg"])
        for c in charts {
            _ = try ChartXML.parse(c.chart.svg())
            #expect(c.chart.series.map(\.name) == ["full", "frozen <x>", "not-started"])
        }
        // Time against accuracy: x is cumulative training seconds.
        let time = try #require(charts.first { $0.file == "chart-time-intent.svg" }).chart
        #expect(time.series[0].points.map(\.x) == [10, 22])
        #expect(time.series[0].points.map(\.y) == [81.5, 95.25])
        let retention = try #require(charts.first { $0.file == "chart-retention-spearman.svg" }).chart
        #expect(retention.series[1].points.allSatisfy { $0.y.isNaN })
    }

    @Test func htmlIsSelfContainedAndWellFormed() throws {
        let report = try Self.report
        let html = report.html()
        let doc = try ChartXML.parse(html)
        #expect(try ChartXML.elements("svg", in: doc).count == report.charts.count)
        let rows = try ChartXML.elements("table", in: doc).first.map { try $0.nodes(forXPath: "*[local-name()='tr']").count }
        #expect(rows == 4)  // header + three strategies
        for forbidden in ["<script", "http://", "https://", "<link", "src=", "@import"] where !forbidden.hasPrefix("http") {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        // The only URLs are XML namespaces, never fetched.
        let urls = html.components(separatedBy: "http").dropFirst().map { "http" + $0.prefix(30) }
        #expect(urls.allSatisfy { $0.hasPrefix("http://www.w3.org/") })
        // Each inline chart is byte for byte the standalone file's.
        for c in report.charts { #expect(html.contains(c.chart.svg())) }
    }
}
