import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import MTSTRuntime

@Suite struct LineChartTests {
    static func chart(_ series: [LineChart.Series], integerX: Bool = true) -> LineChart {
        LineChart(id: "test", title: "Loss <per> epoch & more", xLabel: "epoch", yLabel: "loss", series: series, integerX: integerX)
    }

    @Test func pointsLandWhereTheScalesSay() throws {
        let a = LineChart.Series(name: "full", points: [(1, 2.5), (2, 1.25), (3, 0.8)])
        let b = LineChart.Series(name: "frozen", points: [(1, 3.0), (2, 2.75), (3, 2.5)])
        let c = Self.chart([a, b])
        let doc = try ChartXML.parse(c.svg())
        let circles = try ChartXML.elements("circle", in: doc)
        #expect(circles.count == 6)
        let expected = (a.points + b.points).map { (c.xScale.position($0.x), c.yScale.position($0.y)) }
        for (circle, (x, y)) in zip(circles, expected) {
            let cx = Double(ChartXML.attribute(circle, "cx") ?? "") ?? .nan
            let cy = Double(ChartXML.attribute(circle, "cy") ?? "") ?? .nan
            #expect(abs(cx - x) < 0.01 && abs(cy - y) < 0.01)
        }
        // Inside the plot area, higher values higher up.
        let area = c.plotArea
        #expect(expected.allSatisfy { $0.0 >= area.x && $0.0 <= area.x + area.width && $0.1 >= area.y && $0.1 <= area.y + area.height })
        #expect(c.yScale.position(3.0) < c.yScale.position(0.8))
        // One polyline per series, in its colour, and a legend entry naming it.
        let lines = try ChartXML.elements("polyline", in: doc)
        #expect(lines.count == 2)
        let groups = try ChartXML.elements("g", in: doc).filter { ChartXML.attribute($0, "class") == "series" }
        #expect(groups.map { ChartXML.attribute($0, "stroke") } == [LineChart.colour(0), LineChart.colour(1)])
        let texts = try ChartXML.elements("text", in: doc).map(\.stringValue)
        #expect(texts.contains("full") && texts.contains("frozen"))
    }

    @Test func textIsEscaped() throws {
        let c = LineChart(id: "x\"><script>", title: "a <b> & \"c\" 'd'\u{1}", xLabel: "x & y", yLabel: "<y>",
                          series: [LineChart.Series(name: "</svg><i>&amp;", points: [(0, 1), (1, 2)])])
        let svg = c.svg()
        let doc = try ChartXML.parse(svg)
        let texts = try ChartXML.elements("text", in: doc).map { $0.stringValue ?? "" }
        #expect(texts.contains("a <b> & \"c\" 'd'"))
        #expect(texts.contains("</svg><i>&amp;"))
        #expect(!svg.contains("<script>") && !svg.contains("<i>"))
        #expect(try ChartXML.elements("clipPath", in: doc).first.flatMap { ChartXML.attribute($0, "id") } == "clip-x___script_")
    }

    @Test func emptySinglePointAndNaN() throws {
        // No series at all, and series without points: a well-formed chart that says so.
        for series in [[], [LineChart.Series(name: "a", points: [])], [LineChart.Series(name: "a", points: [(1, .nan)])]] {
            let doc = try ChartXML.parse(Self.chart(series).svg())
            #expect(try ChartXML.elements("circle", in: doc).isEmpty)
            #expect(try ChartXML.elements("text", in: doc).contains { $0.stringValue == "no data" })
        }
        // One point: a marker, no line.
        let one = try ChartXML.parse(Self.chart([LineChart.Series(name: "a", points: [(1, 0.5)])]).svg())
        #expect(try ChartXML.elements("circle", in: one).count == 1)
        #expect(try ChartXML.elements("polyline", in: one).isEmpty)
        // A NaN in the middle breaks the line into two and draws no marker for it.
        let gap = Self.chart([LineChart.Series(name: "a", points: [(1, 1), (2, 2), (3, .nan), (4, 3), (5, .infinity), (6, 4), (7, 5)])])
        let doc = try ChartXML.parse(gap.svg())
        #expect(try ChartXML.elements("polyline", in: doc).count == 2)
        #expect(try ChartXML.elements("circle", in: doc).count == 5)
        #expect(!gap.svg().contains("nan") && !gap.svg().contains("inf"))
    }

    @Test func manySeriesCycleColoursDashed() throws {
        let series = (0..<12).map { i in LineChart.Series(name: "s\(i)", points: [(1, Double(i)), (2, Double(i) + 1)]) }
        let doc = try ChartXML.parse(Self.chart(series).svg())
        let groups = try ChartXML.elements("g", in: doc).filter { ChartXML.attribute($0, "class") == "series" }
        #expect(groups.count == 12)
        #expect(groups.prefix(10).allSatisfy { ChartXML.attribute($0, "stroke-dasharray") == nil })
        #expect(groups.suffix(2).allSatisfy { ChartXML.attribute($0, "stroke-dasharray") != nil })
        #expect(Set(LineChart.palette).count == LineChart.palette.count)
    }
}
