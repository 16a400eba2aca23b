import Foundation
import MTSTCompiler

/// `DIR/report.md`, `DIR/report.html` and the charts of a `compare` run, from its results.
public struct CompareReport: Sendable {
    public var results: [StrategyResult]
    public var command: String?

    public init(results: [StrategyResult], command: String? = nil) {
        self.results = results
        self.command = command
    }

    /// Every head of every spec, in order of first appearance, with its kind.
    public var heads: [TaskHead] {
        var seen = Set<String>(), out: [TaskHead] = []
        for h in results.flatMap(\.heads) where seen.insert(h.name).inserted { out.append(h) }
        return out
    }

    /// Metric names of a head's rows, the usual ones first.
    func metricNames(_ head: String) -> [String] {
        let known = Self.knownMetrics
        let present = Set(results.compactMap { $0.metrics?.last?.heads[head] }.flatMap(\.keys))
        return known.filter(present.contains) + present.subtracting(known).sorted()
    }

    // MARK: Charts

    public struct Chart: Sendable {
        public var file: String
        public var chart: LineChart
    }

    public var charts: [Chart] {
        func series(_ value: (RunMetrics.Row) -> Double?) -> [LineChart.Series] {
            results.map { r in
                LineChart.Series(name: r.name, points: (r.metrics?.rows ?? []).map { (Double($0.epoch), value($0) ?? .nan) })
            }
        }
        var out = [Chart(file: "chart-loss.svg", chart: LineChart(
            id: "loss", title: "Training loss per epoch", xLabel: "epoch", yLabel: "loss", series: series(\.loss), integerX: true))]
        for h in heads {
            let metric = StrategyResult.mainMetric(h.kind)
            let id = LineChart.safeID(h.name)
            out.append(Chart(file: "chart-metric-\(id).svg", chart: LineChart(
                id: "metric-\(id)", title: "\(h.name): \(metric) per epoch", xLabel: "epoch", yLabel: "\(metric) (%)",
                series: series { $0.heads[h.name]?[metric] }, integerX: true)))
        }
        out.append(Chart(file: "chart-retention-spearman.svg", chart: LineChart(
            id: "retention-spearman", title: "Embedding retention: Spearman of pairwise cosines", xLabel: "epoch",
            yLabel: "spearman", series: series(\.spearman), integerX: true)))
        out.append(Chart(file: "chart-retention-cosine.svg", chart: LineChart(
            id: "retention-cosine", title: "Embedding retention: mean cosine to the original", xLabel: "epoch",
            yLabel: "mean cosine", series: series(\.meanCosine), integerX: true)))
        for h in heads {
            let metric = StrategyResult.mainMetric(h.kind)
            let id = LineChart.safeID(h.name)
            let s = results.map { r in
                let rows = r.metrics?.rows ?? []
                return LineChart.Series(name: r.name, points: zip(r.metrics?.cumulativeSeconds ?? [], rows).map {
                    ($0.0, $0.1.heads[h.name]?[metric] ?? .nan)
                })
            }
            out.append(Chart(file: "chart-time-\(id).svg", chart: LineChart(
                id: "time-\(id)", title: "\(h.name): \(metric) against training time", xLabel: "cumulative training seconds",
                yLabel: "\(metric) (%)", series: s)))
        }
        return out
    }

    // MARK: Tables

    /// The strategy table: one row per spec. Cells are plain text (escape them for HTML).
    public var summaryTable: (header: [String], rows: [[String]]) {
        let heads = heads
        var header = ["strategy", "trainable params", "backward ops", "training arena", "peak RSS", "s / epoch", "epochs"]
        header += heads.map { "\($0.name) \(StrategyResult.mainMetric($0.kind))" }
        header += ["sentence acc", "retention spearman", "retention mean cos"]
        let rows = results.map { r -> [String] in
            let last = r.metrics?.last
            var row = [r.name, Self.grouped(r.stats.trainableParams), String(r.stats.backwardOps),
                       Self.mib(Double(r.stats.arenaBytesTrain)), r.peakRSSMB.map { Self.mib($0 * 1_048_576) } ?? "—",
                       Self.fixed(r.secondsPerEpoch, 1), String(r.metrics?.rows.count ?? 0)]
            row += heads.map { h in Self.fixed(last?.heads[h.name]?[StrategyResult.mainMetric(h.kind)], 2) }
            row += [Self.fixed(last?.sentenceAccuracy, 2), Self.fixed(last?.spearman, 4), Self.fixed(last?.meanCosine, 4)]
            return row
        }
        return (header, rows)
    }

    /// Final metrics per head: one row per (strategy, head).
    public var headTable: (header: [String], rows: [[String]]) {
        let heads = heads
        let names = Array(Set(heads.flatMap { metricNames($0.name) })).sorted { Self.order($0) < Self.order($1) }
        var rows: [[String]] = []
        for r in results {
            for h in r.heads {
                let values = r.metrics?.last?.heads[h.name] ?? [:]
                rows.append([r.name, h.name] + names.map { Self.fixed(values[$0], Self.digits($0)) })
            }
        }
        return (["strategy", "head"] + names, rows)
    }

    /// The usual metrics, in the order tables show them; others follow alphabetically.
    static let knownMetrics = ["loss", "eval_loss", "accuracy", "macro_f1", "f1", "precision", "recall", "pair_acc"]

    static func digits(_ metric: String) -> Int {
        metric.hasSuffix("loss") ? 4 : metric == "examples" ? 0 : 2
    }

    static func order(_ metric: String) -> (Int, String) {
        (knownMetrics.firstIndex(of: metric) ?? knownMetrics.count, metric)
    }

    public func markdown() -> String {
        var out = "# mtstc compare\n\n"
        if let command { out += "Command: `\(command)`\n\n" }
        out += "Metrics are the last evaluated epoch's, in percent (retention: Spearman correlation and mean cosine, 1 = unchanged). "
        out += "Peak RSS is the highest `peak_rss_mb` of the run; seconds per epoch exclude evaluation.\n\n"
        out += Self.markdownTable(summaryTable, textColumns: 1)
        let heads = headTable
        if !heads.rows.isEmpty {
            out += "\n## Final metrics per head\n\n" + Self.markdownTable(heads, textColumns: 2)
        }
        out += "\n## Charts\n\n"
        for c in charts { out += "![\(c.chart.title)](\(c.file))\n" }
        return out
    }

    /// The first `textColumns` columns align left, the numbers right.
    static func markdownTable(_ t: (header: [String], rows: [[String]]), textColumns: Int) -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var out = "| " + t.header.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + t.header.indices.map { $0 < textColumns ? "---|" : "---:|" }.joined() + "\n"
        for r in t.rows { out += "| " + r.map(cell).joined(separator: " | ") + " |\n" }
        return out
    }

    // MARK: HTML

    /// Also well-formed XML (every element closed, everything escaped), so tests can parse it.
    public func html() -> String {
        let e = SVGText.escape
        var out = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/><title>mtstc compare</title>
            <style>
            body { font-family: sans-serif; margin: 24px; color: #222; background: #fff; }
            table { border-collapse: collapse; margin: 12px 0 24px; font-size: 13px; }
            th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
            th:first-child, td:first-child, .head th:nth-child(2), .head td:nth-child(2) { text-align: left; }
            figure { display: inline-block; margin: 8px; }
            </style></head><body>
            <h1>mtstc compare</h1>

            """
        if let command { out += "<p>Command: <code>\(e(command))</code></p>\n" }
        out += "<p>Metrics are the last evaluated epoch's, in percent (retention: Spearman correlation and mean cosine, 1 = unchanged).</p>\n"
        out += Self.htmlTable(summaryTable, cls: "summary")
        let heads = headTable
        if !heads.rows.isEmpty { out += "<h2>Final metrics per head</h2>\n" + Self.htmlTable(heads, cls: "head") }
        out += "<h2>Charts</h2>\n"
        for c in charts { out += "<figure id=\"\(e(c.chart.id))\">\n\(c.chart.svg())</figure>\n" }
        return out + "</body></html>\n"
    }

    static func htmlTable(_ t: (header: [String], rows: [[String]]), cls: String) -> String {
        let e = SVGText.escape
        var out = "<table class=\"\(cls)\"><tr>" + t.header.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
        for r in t.rows { out += "<tr>" + r.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n" }
        return out + "</table>\n"
    }

    // MARK: Formatting

    static func fixed(_ x: Double?, _ digits: Int) -> String {
        guard let x else { return "—" }
        return x.isFinite ? String(format: "%.\(digits)f", x) : "n/a"
    }

    static func mib(_ bytes: Double) -> String { String(format: "%.1f MiB", bytes / 1_048_576) }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }
}
