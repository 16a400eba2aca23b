import ArgumentParser
import MTSTCompiler

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a compiled plan, dump its graph, or draw it for Graphviz.",
        discussion: """
            --dot names every parameter by path and shape, clusters nodes by layer, and for \
            --program training by forward, backward and optimizer. Render it with \
            `mtstc inspect out.plan --dot --program training | dot -Tsvg -o training.svg`.
            """)

    @Argument(help: "Compiled plan.") var plan: String
    @Flag(help: "Write the graph in Graphviz dot format.") var dot = false
    @Option(help: "With --dot: 'layers' draws one encoder layer, marked ×N, for all of them.") var collapse: DotCollapse?
    @Flag(help: "Print the graph, one node per line.") var graph = false
    @Flag(help: "Print the summary as one JSON object.") var json = false
    @Option(help: "Which program: inference, int8 (the quantized inference program) or training (with --dot, training includes the optimizer program).")
    var program: String = "inference"

    func validate() throws {
        if collapse != nil && !dot { throw ValidationError("--collapse only applies to --dot") }
    }

    func run() throws {
        // Inspecting maps nothing, so a plan too large for this machine can still be read.
        let p = try PlanCodec.read(path: plan, limits: PlanLimits(maxMemory: Int.max))
        let prog: Program
        switch program {
        case "inference": prog = p.inference
        case "int8":
            guard let q = p.int8 else { throw ValidationError("the plan has no int8 program (compile with --quantize int8)") }
            prog = q.program
        case "training":
            guard let t = p.training else { throw ValidationError("the plan has no training program") }
            prog = t
        default: throw ValidationError("--program must be inference, int8 or training")
        }
        if dot {
            let update = program == "training" ? p.update?.graph : nil
            print(prog.graph.dot(title: "\(p.name) \(program)", collapse: collapse, update: update), terminator: "")
        } else if graph {
            print(prog.graph.dump(), terminator: "")
        } else if json {
            print(Summary.json(p))
        } else {
            print(Summary.text(p), terminator: "")
        }
    }
}

extension DotCollapse: ExpressibleByArgument {}
