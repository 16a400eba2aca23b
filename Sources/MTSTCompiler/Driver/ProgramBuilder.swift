/// Lowers one program of a spec and runs the pass pipeline over it; builds the optimizer's
/// update program over the final parameter table.
public enum ProgramBuilder {
    /// `phaseEpoch`: the training program of the gradual-unfreezing phase that starts there.
    /// `quantize`: the int8 inference program, with these linear layers left fp32.
    static func program(_ spec: Spec, _ model: ModelConfig, mode: Lowering.Mode, maxSeq: Int,
                        options: Compiler.Options, phaseEpoch: Int? = nil, quantize keepFP32: Set<String>? = nil) throws -> (Program, PassContext) {
        do {
            var graph = try Lowering.lower(model, mode: mode, maxBatch: spec.compile.maxBatch, maxSeq: maxSeq)
            try applySettings(spec, &graph)
            let label = phaseEpoch.map { "training phase from epoch \($0)" } ?? (keepFP32 != nil ? "int8 inference" : mode.rawValue)
            let passes = Pipeline.passes(for: mode, quantize: keepFP32)
            let context = try Pipeline.run(&graph, mode: mode, passes: passes, phaseEpoch: phaseEpoch,
                                           bucketBytes: spec.distributed.config.bucketBytes) { pass, g in
                if pass == options.dumpAfter { options.dump("# \(label) graph after \(pass)\n" + g.dump()) }
            }
            guard let arena = context.arena else { throw CompileError.file(spec.path, "internal: no arena plan") }
            return (Program(graph: graph, arena: arena), context)
        } catch let error as GraphError {
            throw CompileError.located(spec.location(of: error.origin), error.description)
        } catch CompileError.nothingToTrain(let why) {
            throw CompileError.located(spec.location(of: "optimizer"),
                                       "data.train asks to train, but \(why); unfreeze a parameter group or remove data.train")
        }
    }

    /// The quantized inference program of `plan` (compiled from `spec`): the fp32 inference
    /// program with every backbone linear layer but those in `keepFP32` rewritten by
    /// `QuantizePass`. Its parameter table is the fp32 program's (the pass adds no parameter).
    public static func quantizedProgram(_ spec: Spec, plan: Plan, keepFP32: Set<String> = [],
                                        options: Compiler.Options = Compiler.Options()) throws -> Program {
        let (program, _) = try program(spec, plan.model, mode: .inference, maxSeq: plan.inference.graph.maxSeq,
                                       options: options, quantize: keepFP32)
        guard program.graph.params == plan.params else {
            throw CompileError.file(spec.path, "internal: the int8 program's parameter table differs from the plan's")
        }
        return program
    }

    /// The linear layers `QuantizePass` quantizes in `program` (a quantized inference program).
    public static func quantizedLayers(_ program: Program) -> [String] {
        QuantizedInference.layers(in: program).map(\.layer)
    }

    /// Copies the spec's resolved setting onto every lowered parameter.
    static func applySettings(_ spec: Spec, _ graph: inout Graph) throws {
        for i in graph.params.indices {
            guard let setting = spec.paramSettings[graph.params[i].path] else {
                throw CompileError.file(spec.path, "internal: the spec resolved no optimizer setting for \(graph.params[i].path)")
            }
            graph.params[i].setting = setting
        }
    }

    /// The optimizer's update program over the final parameter table (packed QKV included),
    /// for the root parameters in `updated` (those the training graph writes a gradient for).
    public static func updateProgram(params: [ParamEntry], method: OptimizerMethod = .adamwDefaults, clipNorm: Double,
                                     updated: Set<Int>) throws -> Program {
        var graph = try OptimizerLowering.lower(params: params, method: method, clipNorm: clipNorm, updated: updated)
        let context = try Pipeline.run(&graph, mode: .training, passes: Pipeline.updatePasses)
        guard let arena = context.arena else { throw CompileError.nothingToTrain("no update program") }
        return Program(graph: graph, arena: arena)
    }
}
