import Foundation
import Testing
@testable import MTSTRuntime

/// Renders the compare charts in headless Chromium (Debian's `chromium`) and counts the pixels
/// each one draws in series colours inside its plot area: a chart whose lines or markers do not
/// render fails. `Scripts/test.sh` installs chromium and sets MTSTC_REQUIRE_CHROMIUM=1, so there
/// the test cannot be skipped; elsewhere it is skipped, saying why, when chromium is absent.
@Suite(.serialized) struct ChromiumRenderTests {
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin"] {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }()
    static let required = ProcessInfo.processInfo.environment["MTSTC_REQUIRE_CHROMIUM"] == "1"

    /// Screenshot of `file` at `width`×`height` CSS pixels, scale 1, with a throwaway profile.
    static func screenshot(_ file: String, width: Int, height: Int, in dir: String) throws -> PNGImage {
        let chromium = try #require(chromium, "chromium is not installed (Scripts/setup-debian.sh installs it with MTSTC_TEST_DEPS=1)")
        let png = dir + "/shot-\(UUID().uuidString).png"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
                             "--user-data-dir=\(dir)/profile", "--screenshot=\(png)", "--window-size=\(width),\(height)",
                             URL(fileURLWithPath: file).absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice  // D-Bus complaints in a container
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let data = try #require(FileManager.default.contents(atPath: png), "chromium wrote no screenshot of \(file) (status \(process.terminationStatus))")
        return try PNGImage(data: [UInt8](data))
    }

    /// Pixels in a saturated colour (series lines and markers; axes, grid and text are grey).
    static func colouredPixels(_ image: PNGImage, in rect: LineChart.Rect) -> Int {
        var count = 0
        for y in max(0, Int(rect.y))..<min(image.height, Int(rect.y + rect.height)) {
            for x in max(0, Int(rect.x))..<min(image.width, Int(rect.x + rect.width)) {
                let p = image.rgb(x, y)
                if max(p.r, p.g, p.b) - min(p.r, p.g, p.b) > 60 { count += 1 }
            }
        }
        return count
    }

    @Test(.enabled(if: chromium != nil || required, "chromium not installed: skipped (Scripts/test.sh installs it)"))
    func everyChartDrawsItsSeries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-chromium-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try CompareReportTests.report
        // Each standalone chart, rendered alone: its plot area must hold series pixels.
        var total = 0
        for c in report.charts {
            let path = dir + "/" + c.file
            try Data(c.chart.svg().utf8).write(to: URL(fileURLWithPath: path))
            let image = try Self.screenshot(path, width: Int(c.chart.width), height: Int(c.chart.height), in: dir)
            #expect(image.width == Int(c.chart.width) && image.height == Int(c.chart.height))
            #expect(Self.colouredPixels(image, in: c.chart.plotArea) > 100, "\(c.file) draws no series")
            total += Self.colouredPixels(image, in: LineChart.Rect(x: 0, y: 0, width: c.chart.width, height: c.chart.height))
        }
        // The control: a chart without data draws nothing in series colours, so the count above
        // does tell a drawn chart from an empty one.
        let empty = LineChart(id: "empty", title: "empty", xLabel: "x", yLabel: "y", series: [LineChart.Series(name: "a", points: [])])
        try Data(empty.svg().utf8).write(to: URL(fileURLWithPath: dir + "/empty.svg"))
        let blank = try Self.screenshot(dir + "/empty.svg", width: 640, height: 360, in: dir)
        #expect(Self.colouredPixels(blank, in: empty.plotArea) == 0)

        // The page: one column of charts. Nothing else on it is coloured, and its charts are the
        // standalone ones inlined, so its coloured pixels add up to theirs: a chart that fails to
        // render in the page takes its share away.
        try Data(report.html().utf8).write(to: URL(fileURLWithPath: dir + "/report.html"))
        let page = try Self.screenshot(dir + "/report.html", width: 760, height: 5200, in: dir)
        let onPage = Self.colouredPixels(page, in: LineChart.Rect(x: 0, y: 0, width: Double(page.width), height: Double(page.height)))
        #expect(abs(Double(onPage - total)) < 0.03 * Double(total), "page \(onPage) coloured pixels, charts alone \(total)")
    }
}
