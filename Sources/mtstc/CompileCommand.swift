import ArgumentParser
import Foundation
import MTSTCompiler
import MTSTRuntime

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse a spec, shape-check, fuse, differentiate and plan memory; write a plan file.")

    @Argument(help: "The YAML spec.") var spec: String
    @Option(name: .shortAndLong, help: "Plan file to write.") var output: String?
    @Flag(help: "Print the summary as one JSON object.") var json = false
    @Option(name: .customLong("dump-after"), help: "Print the graph after this pass (lower, \(Pipeline.passNames.joined(separator: ", "))).")
    var dumpAfter: String?
    @OptionGroup var memory: MemoryOption

    func run() throws {
        var options = CompileDriver.Options(dumpAfter: dumpAfter)
        options.dump = { FileHandle.standardError.write(Data($0.utf8)) }
        options.limits = memory.limits
        let start = Date()
        let plan = try CompileDriver.compile(specPath: spec, options: options)
        if let output { try PlanCodec.write(plan, to: output) }
        if json {
            print(Summary.json(plan))
        } else {
            print(Summary.text(plan), terminator: "")
            print(String(format: "  compiled in %.2f s%@", Date().timeIntervalSince(start), output.map { " → \($0)" } ?? ""))
        }
    }
}
