import Foundation
import MTSTCompiler

/// `mtstc compare`: compiles each spec, trains it into `DIR/<name>/run` with the runtime's
/// `Trainer`, one after another, and writes `DIR/report.md`, `DIR/report.html` and the charts.
///
/// Resumable: every spec is compiled first, and its plan compared byte for byte with the one its
/// run was trained with. The same plan is reused, and its run is skipped when it has finished
/// the requested epochs, continued (`--resume`) when it has not, and started when it has no
/// saved epoch. A spec that now compiles to another plan (the spec or a file it names changed)
/// is refused before any training, naming the folder to remove: a run is never silently mixed
/// from two plans nor thrown away. Ctrl-C stops the current run at a saved, resumable state.
public final class Compare {
    public struct Options {
        /// Epochs per spec (default: each spec's own `training.epochs`).
        public var epochs: Int?
        /// The first N training and evaluation examples of each spec.
        public var limit: Int?
        public var limits = PlanLimits()
        /// The command line, printed in the report.
        public var command: String?
        public init(epochs: Int? = nil, limit: Int? = nil, command: String? = nil) {
            self.epochs = epochs
            self.limit = limit
            self.command = command
        }
    }

    /// What became of one spec's run.
    public enum Action: Equatable, Sendable {
        case start, resume, skip
    }

    public let specs: [(name: String, path: String)]
    public let out: String
    public let options: Options
    let folder: CompareFolder
    public var log: (String) -> Void = {
        print($0)
        fflush(nil)
    }
    public var shouldStop: () -> Bool = { false }
    public var progress = ProgressReporter()

    public init(specs: [String], out: String, options: Options = Options()) throws {
        guard !specs.isEmpty else { throw CompareError.noSpecs }
        var named: [(name: String, path: String)] = []
        for path in specs {
            let name = LineChart.safeID(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
            if let other = named.first(where: { $0.name == name }) {
                throw CompareError.sameName(other.path, path, folder: out + "/" + name)
            }
            named.append((name, path))
        }
        self.specs = named
        self.out = out
        self.options = options
        folder = CompareFolder(path: out)
    }

    struct Prepared {
        var name: String
        var specPath: String
        var plan: Plan
        var action: Action
    }

    /// Runs every spec that still needs training, writing the report after each.
    @discardableResult
    public func run() throws -> RunOutcome {
        try folder.check()
        var prepared: [Prepared] = []
        for spec in specs {
            prepared.append(try prepare(spec))
        }
        try folder.create()
        for p in prepared {
            try writePlan(p)
        }
        for (i, p) in prepared.enumerated() {
            let run = folder.runPath(p.name)
            // A Ctrl-C that arrived after the last step of the previous run stops here, between runs.
            if p.action != .skip, i > 0, shouldStop() {
                try writeReport(prepared)
                log("interrupted before \(p.name): run the same compare command again to continue")
                return .interrupted(snapshot: folder.runPath(prepared[i - 1].name))
            }
            switch p.action {
            case .skip:
                log("[\(i + 1)/\(prepared.count)] \(p.name): already trained in \(run), skipped")
                continue
            case .resume: log("[\(i + 1)/\(prepared.count)] \(p.name): continuing \(run)")
            case .start: log("[\(i + 1)/\(prepared.count)] \(p.name): training into \(run)")
            }
            let outcome = try train(p)
            try writeReport(prepared)
            if case .interrupted = outcome {
                log("interrupted: run the same compare command again to continue")
                return outcome
            }
        }
        try writeReport(prepared)
        log("report: \(out)/\(CompareFolder.markdown), \(out)/\(CompareFolder.html)")
        return .finished
    }

    /// Compiles a spec and decides, against what its folder holds, whether to start, continue or skip.
    func prepare(_ spec: (name: String, path: String)) throws -> Prepared {
        var compileOptions = CompileDriver.Options()
        compileOptions.limits = options.limits
        let plan = try CompileDriver.compile(specPath: spec.path, options: compileOptions)
        guard plan.training != nil else { throw CompareError.noTraining(spec: spec.path) }
        let bytes = try PlanCodec.encode(plan)
        let run = RunFolder(path: folder.runPath(spec.name))
        guard run.holdsRun else { return Prepared(name: spec.name, specPath: spec.path, plan: plan, action: .start) }
        if let stored = try? InputFile.read(folder.planPath(spec.name)), [UInt8](stored) != bytes {
            throw CompareError.specChanged(spec: spec.path, folder: folder.specFolder(spec.name))
        }
        // Without the stored plan, the run's own record of its plan's checksum decides.
        let (_, state) = try run.readLatest(planSHA256: SHA256.hex(bytes), planName: plan.name)
        guard state.limit == options.limit else {
            throw CompareError.limitDiffers(run: run.path, requested: options.limit, stored: state.limit)
        }
        let epochs = options.epochs ?? plan.trainingLoop.epochs
        let done = state.epoch >= epochs && state.step == 0
        return Prepared(name: spec.name, specPath: spec.path, plan: plan, action: done ? .skip : .resume)
    }

    /// The plan beside its run; rewritten only when absent or different (a run that needs it
    /// byte for byte was refused in `prepare`).
    func writePlan(_ p: Prepared) throws {
        let dir = folder.specFolder(p.name)
        if FileKind.of(dir) == nil {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
            } catch {
                throw CompareError.notAFolder(dir, "cannot create it (\(POSIXFailure.reason(error)))")
            }
        }
        let bytes = try PlanCodec.encode(p.plan)
        if let stored = try? InputFile.read(folder.planPath(p.name)), [UInt8](stored) == bytes { return }
        try PlanCodec.write(p.plan, to: folder.planPath(p.name))
    }

    /// Trains as `mtstc run --graph DIR/<name>/compare.plan --out DIR/<name>/run` would, reading
    /// the plan back from its file so the run's plan checksum is the file's.
    func train(_ p: Prepared) throws -> RunOutcome {
        ResourceUsage.resetPeakRSS()
        let plan = try PlanCodec.read(path: folder.planPath(p.name), limits: options.limits)
        let model = try Model(plan: plan)
        let run = folder.runPath(p.name)
        let trainer = try Trainer(model: model, outDir: run, progress: progress)
        trainer.log = log
        trainer.shouldStop = shouldStop
        return try trainer.run(epochs: options.epochs, resume: p.action == .resume ? run : nil, limit: options.limit)
    }

    /// The results as they stand: a spec without a finished epoch has an empty row.
    func results(_ prepared: [Prepared]) throws -> [StrategyResult] {
        try prepared.map { p in
            let path = folder.runPath(p.name) + "/" + RunFolder.metrics
            let metrics = FileKind.of(path) == nil ? nil
                : try RunMetrics.read(path: path, legacy: RunMetrics.LegacyHeads(p.plan.model.taskHeads))
            return StrategyResult(name: p.name, specPath: p.specPath, plan: p.plan, metrics: metrics)
        }
    }

    func writeReport(_ prepared: [Prepared]) throws {
        let report = CompareReport(results: try results(prepared), command: options.command)
        let charts = report.charts
        for c in charts {
            try AtomicFile.write(Array(c.chart.svg().utf8), to: out + "/" + c.file)
        }
        folder.removeStaleCharts(keeping: Set(charts.map(\.file)))
        try AtomicFile.write(Array(report.markdown().utf8), to: out + "/" + CompareFolder.markdown)
        try AtomicFile.write(Array(report.html().utf8), to: out + "/" + CompareFolder.html)
    }
}
