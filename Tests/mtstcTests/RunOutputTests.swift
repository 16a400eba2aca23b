import Foundation
import Testing

/// Outputs never clobber what mtstc does not own, and non-finite numbers never pass silently.
@Suite(.serialized) struct RunOutputTests {
    func expectOneLineError(_ r: CLI.Result, contains needle: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 1, sourceLocation: sourceLocation)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(needle), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("Domain"), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test func compileRefusesToReplaceWhatIsNotARegularFile() throws {
        let scratch = try Scratch(tmpfsBytes: nil)
        let precious = scratch.file("precious.txt")
        try "keep me".write(toFile: precious, atomically: true, encoding: .utf8)
        let fifo = scratch.file("fifo"), link = scratch.file("link"), folder = scratch.file("folder")
        #expect(mkfifo(fifo, 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: precious)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        var targets = [(fifo, "a FIFO"), (link, "a symbolic link"), (folder, "a directory")]
        let device = scratch.file("null")
        if Scratch.shell("/bin/mknod", [device, "c", "1", "3"]) == 0 { targets.append((device, "a device")) }
        for (target, kind) in targets {
            var before = stat(), after = stat()
            lstat(target, &before)
            expectOneLineError(try CLI.run(["compile", "Graphs/tiny.yaml", "-o", target]), contains: "\(kind) is in the way")
            lstat(target, &after)
            #expect(before.st_ino == after.st_ino && before.st_mode == after.st_mode, "\(target) was replaced")
        }
        #expect(try String(contentsOfFile: precious, encoding: .utf8) == "keep me")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "\(leftovers)")

        // A regular file is replaced only when it is a plan (of any version); anything else stays.
        let plan = scratch.file("tiny.plan")
        try "an older file".write(toFile: plan, atomically: true, encoding: .utf8)
        expectOneLineError(try CLI.run(["compile", "Graphs/tiny.yaml", "-o", plan]), contains: "a file that is not an mtstc plan is in the way")
        #expect(try String(contentsOfFile: plan, encoding: .utf8) == "an older file")
        try Data("MTSTPLAN\u{63}\0\0\0".utf8).write(to: URL(fileURLWithPath: plan))
        #expect(try CLI.run(["compile", "Graphs/tiny.yaml", "-o", plan]).status == 0)
        #expect(try CLI.run(["inspect", plan]).status == 0)
    }

    @Test func runOutNeverClobbersAnotherRunOrAUserFile() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan()
        let out = scratch.file("run")
        #expect(try CLI.run(["run", "--graph", plan, "--epochs", "1", "--out", out]).status == 0)
        let notes = out + "/notes.txt"
        try "mine".write(toFile: notes, atomically: true, encoding: .utf8)

        expectOneLineError(try CLI.run(["run", "--graph", plan, "--epochs", "1", "--out", out]),
                           contains: "already holds a run; continue it with --resume \(out), or replace it with --overwrite")
        let again = try CLI.run(["run", "--graph", plan, "--epochs", "2", "--out", out, "--overwrite"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try CLI.jsonLines(try String(contentsOfFile: out + "/metrics.jsonl", encoding: .utf8)).count == 2)
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "mine")

        // A link where a run file goes is not mtstc's: --overwrite leaves it, and the run stops
        // rather than write through or over it.
        try FileManager.default.removeItem(atPath: out + "/metrics.jsonl")
        try FileManager.default.createSymbolicLink(atPath: out + "/metrics.jsonl", withDestinationPath: notes)
        expectOneLineError(try CLI.run(["run", "--graph", plan, "--epochs", "1", "--out", out, "--overwrite"]),
                           contains: "metrics.jsonl: cannot write: a symbolic link is in the way")
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "mine")

        let file = scratch.file("a-file")
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        expectOneLineError(try CLI.run(["run", "--graph", plan, "--out", file + "/run"]), contains: "\(file)/run: cannot create the folder")
        expectOneLineError(try CLI.run(["run", "--graph", plan, "--out", file]), contains: "a regular file is in the way")
    }

    @Test func aDivergingRunStopsWithOneLineAndKeepsTheLastGoodEpoch() throws {
        let scratch = try Scratch()
        let hot = try scratch.tinyPlan(name: "hot.plan") { $0.replacingOccurrences(of: "lr: 1e-3", with: "lr: 1e3") }
        let warned = try CLI.run(["run", "--graph", hot, "--epochs", "2", "--out", scratch.file("hot")])
        #expect(warned.status == 0)
        #expect(warned.stderr.contains("warning: epoch 1 step") && warned.stderr.contains("over 1000× the run's first"), "\(warned.stderr)")

        let nan = try scratch.tinyPlan(name: "nan.plan") { $0.replacingOccurrences(of: "lr: 1e-3", with: "lr: 1e30") }
        let out = scratch.file("nan")
        let r = try CLI.run(["run", "--graph", nan, "--epochs", "2", "--out", out, "--check-numerics"])
        expectOneLineError(r, contains: "epoch 1 step ")
        #expect(r.stderr.contains("the loss is NaN; head losses: intent NaN, slots NaN; first non-finite output: node backbone."), "\(r.stderr)")
        #expect(r.stderr.hasSuffix("nothing was saved\n"))
        #expect(!FileManager.default.fileExists(atPath: out), "an empty run folder was left")

        let plain = try CLI.run(["run", "--graph", nan, "--epochs", "2", "--out", out])
        #expect(plain.stderr.contains("rerun with --check-numerics"), "\(plain.stderr)")
    }

    @Test func predictRefusesACheckpointWithInfinity() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan()
        let out = scratch.file("run")
        #expect(try CLI.run(["run", "--graph", plan, "--epochs", "1", "--out", out]).status == 0)
        let checkpoint = out + "/checkpoint.safetensors"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        // The header says where each tensor's data starts; poison the first value of one.
        let headerLength = bytes.prefix(8).withUnsafeBytes { Int($0.loadUnaligned(as: UInt64.self)) }
        let header = try #require(try JSONSerialization.jsonObject(with: bytes[8..<(8 + headerLength)]) as? [String: Any])
        let tensor = "heads.intent.weight"
        let entry = try #require(header[tensor] as? [String: Any])
        let offset = 8 + headerLength + (try #require((entry["data_offsets"] as? [Int])?.first))
        withUnsafeBytes(of: Float.infinity.bitPattern.littleEndian) { bytes.replaceSubrange(offset..<(offset + 4), with: $0) }
        let poisoned = scratch.file("poisoned.safetensors")
        try bytes.write(to: URL(fileURLWithPath: poisoned))
        expectOneLineError(try CLI.run(["predict", "--graph", plan, "--weights", poisoned, "show me flights"]),
                           contains: "\(poisoned): tensor \(tensor) holds inf at element 0; weights must be finite")
    }
}
