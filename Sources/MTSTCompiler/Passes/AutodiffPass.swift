/// Builds the backward graph from the forward one, applying each op's gradient rule in reverse
/// topological order. Only nodes on a path from a trainable parameter to the loss are
/// differentiated, so frozen layers get no gradient nodes and the backward graph stops above them.
/// Each trainable parameter's gradient ends in a `gradAccumulate` into its gradient buffer.
/// In a gradual-unfreezing phase (`PassContext.phaseEpoch`) only the parameters that train in
/// that epoch count as trainable, so the backward graph also stops above the layers that are
/// still waiting; a phase in which nothing trains yet keeps the loss and gets no backward graph.
struct AutodiffPass: Pass {
    var name: String { "autodiff" }

    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        guard let loss = graph.outputs["loss"] else { throw CompileError.nothingToTrain("no head has a loss") }
        var requires = Array(repeating: false, count: graph.nodes.count)
        for node in graph.nodes {
            if node.kind.def.isInferenceOnly {
                // Only the quantized inference program holds these; never train through one.
                throw GraphError.gradient(node: node.name, op: node.kind, message: "inference-only op in a graph to differentiate")
            }
            if node.kind.def.isParameter, let p = node.attrs.param {
                let setting = graph.params[p].setting
                requires[node.id] = context.phaseEpoch.map { setting.trains(inEpoch: $0) } ?? setting.trains
            } else if node.kind.def.isDifferentiable {
                requires[node.id] = node.inputs.contains { requires[$0.node] }
            }
        }
        guard requires[loss] else {
            if context.phaseEpoch != nil { return }
            throw CompileError.nothingToTrain("every parameter is frozen")
        }
        let seed = try graph.add(.constant, [], attrs: .constant(value: 1), name: "loss.grad_seed", phase: .backward)
        let grads = try Self.backward(&graph, from: loss, seed: seed, requires: requires)
        for (id, grad) in grads.sorted(by: { $0.key < $1.key }) where graph[id].kind.def.isParameter {
            guard let p = graph[id].attrs.param else { continue }
            try graph.add(.gradAccumulate, values: [grad], attrs: .param(p), name: "grad.\(graph[id].name).accumulate", phase: .backward)
        }
    }

    /// Appends the backward graph of `output` given its gradient `seed`, and returns the gradient
    /// node of every node in `requires` that the output depends on. Exposed for gradient checks.
    /// Only output 0 of a node is differentiated: the extra outputs (LayerNorm's statistics)
    /// feed backward kernels, never the loss.
    static func backward(_ graph: inout Graph, from output: NodeID, seed: NodeID, requires: [Bool]) throws -> [NodeID: ValueRef] {
        var builder = GradientBuilder(graph: graph)
        var pending: [NodeID: [GradientContribution]] = [output: [.full(ValueRef(seed))]]
        var result: [NodeID: ValueRef] = [:]
        for id in stride(from: output, through: 0, by: -1) {
            guard requires[id], let contributions = pending.removeValue(forKey: id) else { continue }
            let node = builder.graph[id]
            builder.current = "grad.\(node.name)"
            let dOut = try combine(contributions, for: node, &builder)
            result[id] = dOut
            if node.kind.def.isParameter { continue }
            let grads = try node.kind.def.gradient(&builder, node, dOut)
            for (input, grad) in zip(node.inputs, grads) {
                guard let grad, requires[input.node] else { continue }
                guard input.output == 0 else {
                    throw GraphError.gradient(node: node.name, op: node.kind, message: "gradient into output \(input.output) of a multi-output op")
                }
                pending[input.node, default: []].append(grad)
            }
        }
        graph = builder.graph
        return result
    }

    /// Sums whole-tensor contributions; joins column slices (Q, K, V of a packed QKV) side by side.
    private static func combine(_ parts: [GradientContribution], for node: Node, _ g: inout GradientBuilder) throws -> ValueRef {
        var full: [ValueRef] = []
        var slices: [(offset: Int, id: ValueRef)] = []
        for part in parts {
            switch part {
            case .full(let id): full.append(id)
            case .columns(let id, let offset): slices.append((offset, id))
            }
        }
        if !slices.isEmpty {
            slices.sort { $0.offset < $1.offset }
            var at = 0
            var widths: [Int] = []
            for s in slices {
                guard s.offset == at, let w = g.shape(s.id).last?.coefficient else {
                    throw GraphError.gradient(node: node.name, op: node.kind, message: "column gradients do not tile the input")
                }
                widths.append(w)
                at += w
            }
            guard at == node.shape.last?.coefficient else {
                throw GraphError.gradient(node: node.name, op: node.kind, message: "column gradients cover \(at) of \(node.shape) columns")
            }
            full.append(try g.add(.concatColumns, slices.map(\.id), attrs: .concat(widths: widths), "concat"))
        }
        var sum = full[0]
        for (i, next) in full.dropFirst().enumerated() {
            sum = try g.add(.add, [sum, next], "sum\(i)")
        }
        return sum
    }
}
