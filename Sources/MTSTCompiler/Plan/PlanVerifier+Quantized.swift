/// The quantized inference program (`plan.int8`): verified as every program is, plus what
/// only it may hold and what the runtime assumes of its int8 nodes.
extension PlanVerifier {
    static let quantizedProgram = "int8.program"

    func checkQuantized(_ int8: QuantizedInference) throws(Unsafe) {
        let name = Self.quantizedProgram
        try checkProgram(name, int8.program)
        try checkHeads(name, int8.program, training: false)
        let (g, fp32) = (int8.program.graph, plan.inference.graph)
        // The runtime encodes sentences and sizes batches for the plan's inference program.
        guard g.maxBatch == fp32.maxBatch, g.maxSeq == fp32.maxSeq else {
            throw Unsafe("\(name) is planned for \(g.maxBatch)×\(g.maxSeq), the inference program for \(fp32.maxBatch)×\(fp32.maxSeq)")
        }
        let r = int8.report
        let layers = Set(plan.params.filter(QuantizePass.quantizable).map { QuantizePass.layerName($0.path) })
        for (i, f) in r.fallbacks.enumerated() {
            guard layers.contains(f.layer) else {
                throw Unsafe("int8.report.fallbacks[\(i)].layer = \(f.layer.escapingControlCharacters) is not a quantizable layer of the model")
            }
            try Self.cosine(f.aloneWorstCosine, "int8.report.fallbacks[\(i)].aloneWorstCosine")
        }
        for (stats, key) in [(r.initial, "initial"), (r.final, "final")] {
            try Self.cosine(stats.worst, "int8.report.\(key).worst")
            try Self.cosine(stats.mean, "int8.report.\(key).mean")
        }
        guard r.minCosine > 0, r.minCosine <= 1 else { throw Unsafe("int8.report.minCosine = \(r.minCosine) is not in (0, 1]") }
        for (i, h) in r.heads.enumerated() {
            guard plan.model.taskHeads.contains(where: { $0.name == h.head }) else {
                throw Unsafe("int8.report.heads[\(i)].head = \(h.head.escapingControlCharacters) is not a head of the model")
            }
            guard (0...1).contains(h.fp32), (0...1).contains(h.int8) else {
                throw Unsafe("int8.report.heads[\(i)] scores \(h.fp32), \(h.int8) are not fractions")
            }
        }
    }

    static func cosine(_ value: Double, _ field: String) throws(Unsafe) {
        guard value.isFinite, value >= -1.000001, value <= 1.000001 else { throw Unsafe("\(field) = \(value) is not a cosine") }
    }

    /// An `int8Linear` runs only in the quantized program, on a weight the runtime can pack:
    /// output 0 of a `param` node (the shape rule checked it is a constant `[out, in]` matrix).
    func checkInferenceOnly(_ program: String, _ field: String, _ node: Node, in g: Graph) throws(Unsafe) {
        guard program == Self.quantizedProgram else {
            throw Unsafe("\(field) (\(node.kind.rawValue) \(node.name.escapingControlCharacters)) is inference-only and may appear only in \(Self.quantizedProgram)")
        }
        guard node.inputs.count >= 2, node.inputs[1].output == 0, g.nodes[node.inputs[1].node].kind == .param else {
            throw Unsafe("\(field).inputs[1] is not a weight parameter (int8 weights are packed from the parameter store)")
        }
    }
}
