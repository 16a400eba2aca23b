import ArgumentParser
import Foundation
import MTSTCompiler
import MTSTRuntime

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse a spec, shape-check, fuse, differentiate and plan memory; write a plan file.",
        discussion: """
            The plan goes to -o PLAN, or to out.plan in the working directory, so `mtstc compile SPEC` \
            then `mtstc run --graph out.plan` works as written. Only a plan is ever replaced there. \
            A spec path that does not exist but matches one file when letter case is ignored \
            (graphs/multitask.yaml for Graphs/multitask.yaml) is compiled from that file, with a note.
            """)

    static let defaultOutput = "out.plan"

    @Argument(help: "The YAML spec.") var spec: String
    @Option(name: .shortAndLong, help: "Plan file to write (default \(Compile.defaultOutput)).") var output: String?
    @Flag(help: "Print the summary as one JSON object (the plan is still written; where goes to stderr).") var json = false
    @Option(name: .customLong("dump-after"), help: "Print the graph after this pass (lower, \(Pipeline.passNames.joined(separator: ", "))) to stderr.")
    var dumpAfter: String?
    @Option(help: "Also compile an int8 inference program (int8), or compile fp32 only (none); overrides compile.quantize.")
    var quantize: QuantizeSpec.Kind?
    @Option(help: "With quantization: the accuracy guard's calibration sentences, one per line (default: compile.quantize.calibration, else the spec's evaluation data).")
    var calibration: String?
    @OptionGroup var memory: MemoryOption

    func run() throws {
        var options = CompileDriver.Options(dumpAfter: dumpAfter)
        options.dump = { FileHandle.standardError.write(Data($0.utf8)) }
        options.limits = memory.limits
        options.quantize = quantize
        options.calibration = calibration
        options.log = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        let start = Date()
        var specPath = spec
        if let resolved = PathCase.resolve(spec), resolved != spec {
            FileHandle.standardError.write(Data("note: \(spec) does not exist; compiling \(resolved), the one file that matches it ignoring case\n".utf8))
            specPath = resolved
        }
        let plan = try CompileDriver.compile(specPath: specPath, options: options)
        let path = output ?? Compile.defaultOutput
        try PlanCodec.write(plan, to: path)
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int).map { " (\(Summary.megabytes($0)))" } ?? ""
        if json {
            print(Summary.json(plan))
            FileHandle.standardError.write(Data("wrote \(path)\(size)\n".utf8))
        } else {
            print(Summary.text(plan), terminator: "")
            print(String(format: "  compiled in %.2f s", Date().timeIntervalSince(start)))
            print("wrote \(path)\(size)")
        }
    }
}

extension QuantizeSpec.Kind: ExpressibleByArgument {}
