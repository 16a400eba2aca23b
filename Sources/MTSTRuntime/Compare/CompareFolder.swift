import Foundation
import MTSTCompiler

/// The `--out` folder of `mtstc compare`: `report.md`, `report.html`, `chart-*.svg`, and per spec
/// a folder `<name>/` holding `compare.plan` and the run folder `run/`. Anything else in it
/// means the folder is not compare's, and it is refused before anything is written.
struct CompareFolder {
    static let markdown = "report.md"
    static let html = "report.html"
    static let plan = "compare.plan"
    static let run = "run"

    let path: String

    func specFolder(_ name: String) -> String { path + "/" + name }
    func planPath(_ name: String) -> String { specFolder(name) + "/" + Self.plan }
    func runPath(_ name: String) -> String { specFolder(name) + "/" + Self.run }

    static func isChart(_ name: String) -> Bool {
        name.hasPrefix("chart-") && name.hasSuffix(".svg") && LineChart.safeID(String(name.dropLast(4))) == String(name.dropLast(4))
    }

    /// `AtomicFile`'s temporary name for one of `owned`.
    static func isTemporary(_ name: String, owned: (String) -> Bool) -> Bool {
        guard name.hasPrefix("."), let r = name.range(of: ".tmp-") else { return false }
        return owned(String(name[name.index(after: name.startIndex)..<r.lowerBound]))
    }

    static func isTopLevelFile(_ name: String) -> Bool { name == markdown || name == html || isChart(name) }

    /// Refuses a folder holding anything compare does not write. An absent folder passes; it is
    /// made by `create` only once every spec has compiled, so a refused compare leaves nothing.
    func check() throws {
        switch FileKind.of(path) {
        case nil: return
        case .directory?: break
        case let kind?: throw CompareError.notAFolder(path, kind.name)
        }
        for name in entries(path) {
            let full = path + "/" + name
            switch FileKind.of(full) {
            case .regular? where Self.isTopLevelFile(name) || Self.isTemporary(name, owned: Self.isTopLevelFile): continue
            case .directory? where Self.isSpecFolder(full): continue
            default: throw CompareError.foreign(folder: path, entry: name)
            }
        }
    }

    func create() throws {
        guard FileKind.of(path) == nil else { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CompareError.notAFolder(path, "cannot create it (\(POSIXFailure.reason(error)))")
        }
    }

    /// A spec folder holds the plan, its temporary names and a `run` folder, nothing more (what
    /// is inside the run folder is the trainer's to judge: it never removes what it did not write).
    static func isSpecFolder(_ dir: String) -> Bool {
        entries(dir).allSatisfy { name in
            switch FileKind.of(dir + "/" + name) {
            case .regular?: name == plan || isTemporary(name, owned: { $0 == plan })
            case .directory?: name == run
            default: false
            }
        }
    }

    /// Removes charts of an earlier report that this one no longer draws (a head that is gone).
    func removeStaleCharts(keeping: Set<String>) {
        for name in entries(path) where Self.isChart(name) && !keeping.contains(name) && FileKind.of(path + "/" + name) == .regular {
            unlink(path + "/" + name)
        }
    }

    private func entries(_ dir: String) -> [String] { Self.entries(dir) }
    static func entries(_ dir: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }
}
