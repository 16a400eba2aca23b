/// Declarative fusions. A `FusionRule` is a pattern over the graph's structure — which op
/// produces each input, which values are read only once, which attributes must hold — and a
/// rewrite of the matched root. A `FusionPass` applies its rules wherever they match, looking only at
/// producer/consumer relations, so the order in which the lowering emitted the nodes does not
/// matter. Inputs of commutative ops (the op table's `isCommutative`) match in either order.
indirect enum Pattern {
    /// Any value; bound to `capture` when given. A name captured twice must bind the same value.
    case any(String?)
    /// An output of a `param` node.
    case param(String)
    /// A node of `kind` whose inputs match `inputs`. `soleUse`: nothing but the matched parent
    /// reads it (and it is no graph output), so the rewrite may absorb it.
    case op(OpKind, [Pattern], capture: String? = nil, soleUse: Bool = false, when: @Sendable (Node) -> Bool = { _ in true })
    /// Any node satisfying `when`, whatever its kind and inputs.
    case node(capture: String?, soleUse: Bool, when: @Sendable (Node) -> Bool)
    /// The first alternative that matches.
    case oneOf([Pattern])
}

/// What a match binds: values by capture name.
struct Bindings {
    var values: [String: ValueRef] = [:]
    subscript(name: String) -> ValueRef { values[name] ?? ValueRef(-1) }
    func node(_ name: String, in graph: Graph) -> Node { graph[self[name].node] }
}

struct FusionRule: Sendable {
    /// Counter name in the compile summary (`bias_gelu`).
    let name: String
    /// The pattern's root; must be an `.op`.
    let pattern: Pattern
    /// Extra conditions over the whole match.
    var accept: @Sendable (Graph, Bindings) -> Bool = { _, _ in true }
    /// Rewrites the root node `root` in place; the nodes it absorbed become dead and compaction
    /// drops them. Returns nodes to drop although they have effects (the root, when it folds
    /// into one of its inputs).
    let rewrite: @Sendable (inout Graph, NodeID, Bindings) throws -> [NodeID]
}

/// Finds matches of patterns against a graph; consumers count live nodes only.
struct FusionMatcher {
    let graph: Graph
    let consumers: [[NodeID]]
    let outputs: Set<NodeID>

    init(_ graph: Graph) {
        self.graph = graph
        let live = graph.live()
        var consumers = Array(repeating: [NodeID](), count: graph.nodes.count)
        for node in graph.nodes where live[node.id] {
            for input in node.inputs where !consumers[input.node].contains(node.id) { consumers[input.node].append(node.id) }
        }
        self.consumers = consumers
        outputs = Set(graph.outputs.values)
    }

    /// The node may disappear into its only consumer: nothing else reads it.
    func soleUse(_ id: NodeID) -> Bool { consumers[id].count == 1 && !outputs.contains(id) }

    func match(_ pattern: Pattern, at root: NodeID) -> Bindings? {
        var b = Bindings()
        return bind(pattern, ValueRef(root), &b, root: true) ? b : nil
    }

    private func capture(_ name: String?, _ value: ValueRef, _ b: inout Bindings) -> Bool {
        guard let name else { return true }
        if let bound = b.values[name] { return bound == value }
        b.values[name] = value
        return true
    }

    private func bind(_ pattern: Pattern, _ value: ValueRef, _ b: inout Bindings, root: Bool = false) -> Bool {
        switch pattern {
        case .any(let name):
            return capture(name, value, &b)
        case .param(let name):
            return graph[value.node].kind.def.isParameter && capture(name, value, &b)
        case .oneOf(let alternatives):
            for p in alternatives {
                var trial = b
                if bind(p, value, &trial, root: root) { b = trial; return true }
            }
            return false
        case let .node(name, sole, when):
            let node = graph[value.node]
            return value.output == 0 && when(node) && (root || !sole || soleUse(node.id)) && capture(name, value, &b)
        case let .op(kind, inputs, name, sole, when):
            let node = graph[value.node]
            guard value.output == 0, node.kind == kind, node.inputs.count == inputs.count, when(node),
                  root || !sole || soleUse(node.id), capture(name, value, &b) else { return false }
            let orders = kind.def.isCommutative && inputs.count == 2 ? [[0, 1], [1, 0]] : [Array(inputs.indices)]
            for order in orders {
                var trial = b
                if zip(order, inputs).allSatisfy({ bind($0.1, node.inputs[$0.0], &trial) }) { b = trial; return true }
            }
            return false
        }
    }
}

/// A pass that fuses ops by declarative rules. Each rule's `name` is its counter in
/// `PassContext.fusions` and the name summaries print its count under
/// (`Pipeline.fusions(for:)` lists them from the rules).
protocol FusionPass: Pass {
    /// Applied in order, each wherever it matches.
    var rules: [FusionRule] { get }
}

extension FusionPass {
    /// Applies the rules in order, each wherever it matches, then drops what they absorbed.
    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        for rule in rules {
            guard case let .op(rootKind, _, _, _, _) = rule.pattern else { continue }
            var keep = Array(repeating: true, count: graph.nodes.count)
            var matcher = FusionMatcher(graph)
            for id in graph.nodes.indices where graph[id].kind == rootKind && keep[id] {
                guard let b = matcher.match(rule.pattern, at: id), rule.accept(graph, b) else { continue }
                for dropped in try rule.rewrite(&graph, id, b) where keep.indices.contains(dropped) { keep[dropped] = false }
                context.count(rule.name)
                // An applied rewrite changed who reads what.
                matcher = FusionMatcher(graph)
            }
            keep += Array(repeating: true, count: graph.nodes.count - keep.count)
            let live = graph.live()
            graph = graph.compacted(keeping: zip(keep, live).map { $0 && $1 })
        }
    }
}
