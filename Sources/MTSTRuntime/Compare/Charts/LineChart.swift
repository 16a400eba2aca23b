import Foundation

/// A line chart as one self-contained SVG document: title, axes with round ticks, grid, one
/// coloured polyline with point markers per series, and a legend beside the plot. Non-finite
/// points are left out (a gap in the line); a single point is still drawn as a marker; a chart
/// without any finite point says "no data". Every text is escaped, so any name is safe.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public struct Rect: Equatable, Sendable {
        public var x, y, width, height: Double
    }

    /// Distinct, saturated colours (none grey), so a renderer test can tell series pixels from
    /// axes and text; past the tenth series they repeat dashed.
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#e377c2", "#17becf", "#bcbd22", "#8c2d04", "#0000cd"]

    /// Used in element ids, so charts inlined in one page do not share a clip path.
    public var id: String
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var integerX = false
    public var width = 640.0
    public var height = 360.0

    public init(id: String, title: String, xLabel: String, yLabel: String, series: [Series], integerX: Bool = false) {
        self.id = id
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.integerX = integerX
    }

    /// The plot area; the legend sits to its right.
    public var plotArea: Rect { Rect(x: 64, y: 40, width: width - 64 - 190, height: height - 40 - 52) }

    private var finitePoints: [(x: Double, y: Double)] {
        series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
    }

    public var xScale: NiceScale {
        NiceScale(values: finitePoints.map(\.x), from: plotArea.x, to: plotArea.x + plotArea.width, integer: integerX)
    }

    public var yScale: NiceScale {
        NiceScale(values: finitePoints.map(\.y), from: plotArea.y + plotArea.height, to: plotArea.y)
    }

    public static func colour(_ index: Int) -> String { palette[index % palette.count] }

    public func svg() -> String {
        let n = SVGText.number, e = SVGText.escape
        let area = plotArea, xs = xScale, ys = yScale
        let clip = "clip-" + Self.safeID(id)
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="sans-serif" font-size="12" role="img" aria-label="\(e(title))">
            <title>\(e(title))</title>
            <defs><clipPath id="\(clip)"><rect x="\(n(area.x - 4))" y="\(n(area.y - 4))" width="\(n(area.width + 8))" height="\(n(area.height + 8))"/></clipPath></defs>
            <rect x="0" y="0" width="\(n(width))" height="\(n(height))" fill="#ffffff"/>
            <text x="\(n(width / 2))" y="22" text-anchor="middle" font-size="15" font-weight="bold" fill="#222222">\(e(title))</text>

            """
        // Grid and tick labels.
        for t in ys.ticks {
            let y = ys.position(t)
            out += "<line x1=\"\(n(area.x))\" y1=\"\(n(y))\" x2=\"\(n(area.x + area.width))\" y2=\"\(n(y))\" stroke=\"#e4e4e4\"/>"
            out += "<text x=\"\(n(area.x - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\" fill=\"#444444\">\(e(ys.label(t)))</text>\n"
        }
        for t in xs.ticks {
            let x = xs.position(t)
            out += "<line x1=\"\(n(x))\" y1=\"\(n(area.y))\" x2=\"\(n(x))\" y2=\"\(n(area.y + area.height))\" stroke=\"#e4e4e4\"/>"
            out += "<text x=\"\(n(x))\" y=\"\(n(area.y + area.height + 16))\" text-anchor=\"middle\" fill=\"#444444\">\(e(xs.label(t)))</text>\n"
        }
        out += "<rect x=\"\(n(area.x))\" y=\"\(n(area.y))\" width=\"\(n(area.width))\" height=\"\(n(area.height))\" fill=\"none\" stroke=\"#666666\"/>\n"
        out += "<text x=\"\(n(area.x + area.width / 2))\" y=\"\(n(height - 10))\" text-anchor=\"middle\" fill=\"#222222\">\(e(xLabel))</text>\n"
        out += "<text transform=\"translate(16 \(n(area.y + area.height / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#222222\">\(e(yLabel))</text>\n"

        if finitePoints.isEmpty {
            out += "<text x=\"\(n(area.x + area.width / 2))\" y=\"\(n(area.y + area.height / 2))\" text-anchor=\"middle\" fill=\"#888888\">no data</text>\n"
        }
        // Series, clipped to the plot (the scales include every point, so the clip only trims markers).
        out += "<g clip-path=\"url(#\(clip))\" fill=\"none\" stroke-width=\"2\">\n"
        for (i, s) in series.enumerated() {
            let colour = Self.colour(i)
            let dash = i >= Self.palette.count ? " stroke-dasharray=\"6 3\"" : ""
            out += "<g class=\"series\" data-name=\"\(e(s.name))\" stroke=\"\(colour)\"\(dash)>"
            for run in Self.finiteRuns(s.points) where run.count > 1 {
                let coords = run.map { "\(n(xs.position($0.x))),\(n(ys.position($0.y)))" }.joined(separator: " ")
                out += "<polyline points=\"\(coords)\"/>"
            }
            for p in s.points where p.x.isFinite && p.y.isFinite {
                out += "<circle class=\"point\" cx=\"\(n(xs.position(p.x)))\" cy=\"\(n(ys.position(p.y)))\" r=\"3\" fill=\"\(colour)\"/>"
            }
            out += "</g>\n"
        }
        out += "</g>\n"
        // Legend, beside the plot.
        let lx = area.x + area.width + 16
        for (i, s) in series.enumerated() {
            let y = area.y + 8 + Double(i) * 18
            let dash = i >= Self.palette.count ? " stroke-dasharray=\"6 3\"" : ""
            out += "<line x1=\"\(n(lx))\" y1=\"\(n(y))\" x2=\"\(n(lx + 18))\" y2=\"\(n(y))\" stroke=\"\(Self.colour(i))\" stroke-width=\"3\"\(dash)/>"
            out += "<text x=\"\(n(lx + 24))\" y=\"\(n(y + 4))\" fill=\"#222222\">\(e(Self.shorten(s.name, 24)))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// Consecutive finite points: a NaN (a missing metric) breaks the line instead of bending it.
    static func finiteRuns(_ points: [(x: Double, y: Double)]) -> [[(x: Double, y: Double)]] {
        var runs: [[(x: Double, y: Double)]] = [[]]
        for p in points {
            if p.x.isFinite && p.y.isFinite { runs[runs.count - 1].append(p) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
        }
        return runs.filter { !$0.isEmpty }
    }

    static func shorten(_ s: String, _ limit: Int) -> String { s.count <= limit ? s : String(s.prefix(limit - 1)) + "…" }

    /// Letters, digits, '-' and '_' only: an XML id and a file name.
    public static func safeID(_ s: String) -> String {
        let kept = s.unicodeScalars.map { ($0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")) ? Character($0) : "_" }
        return kept.isEmpty ? "chart" : String(kept)
    }
}
