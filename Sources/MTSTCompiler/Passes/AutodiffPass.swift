/// Builds the backward graph from the forward one, applying each op's gradient rule in reverse
/// topological order. Only nodes on a path from a trainable parameter to the loss are
/// differentiated, so frozen layers get no gradient nodes and the backward graph stops above them.
/// Each trainable parameter's gradient ends in a `gradAccumulate` into its gradient buffer.
struct AutodiffPass: Pass {
    var name: String { "autodiff" }

    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        guard let loss = graph.outputs["loss"] else { throw CompileError.nothingToTrain("no head has a loss") }
        var requires = Array(repeating: false, count: graph.nodes.count)
        for node in graph.nodes {
            if node.kind == .param, let p = node.attrs.param {
                requires[node.id] = graph.params[p].trains
            } else if node.kind.def.isDifferentiable {
                requires[node.id] = node.inputs.contains { requires[$0] }
            }
        }
        guard requires[loss] else { throw CompileError.nothingToTrain("every parameter is frozen") }
        var seedAttrs = Attributes()
        seedAttrs.value = 1
        let seed = try graph.add(.constant, [], attrs: seedAttrs, name: "loss.grad_seed", phase: .backward)
        let grads = try Self.backward(&graph, from: loss, seed: seed, requires: requires)
        for (id, grad) in grads.sorted(by: { $0.key < $1.key }) where graph[id].kind == .param {
            var a = Attributes()
            a.param = graph[id].attrs.param
            try graph.add(.gradAccumulate, [grad], attrs: a, name: "grad.\(graph[id].name).accumulate", phase: .backward)
        }
    }

    /// Appends the backward graph of `output` given its gradient `seed`, and returns the gradient
    /// node of every node in `requires` that the output depends on. Exposed for gradient checks.
    static func backward(_ graph: inout Graph, from output: NodeID, seed: NodeID, requires: [Bool]) throws -> [NodeID: NodeID] {
        var builder = GradientBuilder(graph: graph)
        var pending: [NodeID: [GradientContribution]] = [output: [.full(seed)]]
        var result: [NodeID: NodeID] = [:]
        for id in stride(from: output, through: 0, by: -1) {
            guard requires[id], let contributions = pending.removeValue(forKey: id) else { continue }
            let node = builder.graph[id]
            builder.current = "grad.\(node.name)"
            let dOut = try combine(contributions, for: node, &builder)
            result[id] = dOut
            if node.kind == .param { continue }
            let grads = try node.kind.def.gradient(&builder, node, dOut)
            for (input, grad) in zip(node.inputs, grads) {
                guard let grad, requires[input] else { continue }
                pending[input, default: []].append(grad)
            }
        }
        graph = builder.graph
        return result
    }

    /// Sums whole-tensor contributions; joins column slices (Q, K, V of a packed QKV) side by side.
    private static func combine(_ parts: [GradientContribution], for node: Node, _ g: inout GradientBuilder) throws -> NodeID {
        var full: [NodeID] = []
        var slices: [(offset: Int, id: NodeID)] = []
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
            var a = Attributes()
            a.widths = widths
            full.append(try g.add(.concatColumns, slices.map(\.id), attrs: a, "concat"))
        }
        var sum = full[0]
        for (i, next) in full.dropFirst().enumerated() {
            sum = try g.add(.add, [sum, next], "sum\(i)")
        }
        return sum
    }
}
