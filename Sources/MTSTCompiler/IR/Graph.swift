/// A static op graph. Node ids are indices into `nodes` and are topologically ordered: a node's
/// inputs always have smaller ids. Passes that delete nodes compact and renumber (`compacted()`).
public struct Graph: Codable, Sendable {
    public var nodes: [Node] = []
    /// Named results the runtime reads: `embedding`, `logits.<head>`, `loss`, `loss.<head>`.
    public var outputs: [String: NodeID] = [:]
    public var params: [ParamEntry] = []
    public var maxBatch: Int
    public var maxSeq: Int

    public init(maxBatch: Int, maxSeq: Int) {
        self.maxBatch = maxBatch
        self.maxSeq = maxSeq
    }

    public subscript(id: NodeID) -> Node {
        get { nodes[id] }
        set { nodes[id] = newValue }
    }

    /// Appends a node, inferring and checking its output shapes with the op's shape rule.
    @discardableResult
    public mutating func add(_ kind: OpKind, _ inputs: [NodeID], attrs: Attributes = .none,
                             name: String, origin: String = "", phase: Phase = .forward) throws -> NodeID {
        try add(kind, values: inputs.map { ValueRef($0) }, attrs: attrs, name: name, origin: origin, phase: phase)
    }

    /// Appends a node whose inputs may be any output of another node.
    @discardableResult
    public mutating func add(_ kind: OpKind, values inputs: [ValueRef], attrs: Attributes = .none,
                             name: String, origin: String = "", phase: Phase = .forward) throws -> NodeID {
        let id = nodes.count
        var node = Node(id: id, kind: kind, inputs: inputs, attrs: attrs, name: name, origin: origin, phase: phase)
        (node.shape, node.extraShapes) = try inferShapes(of: node)
        nodes.append(node)
        return id
    }

    public func shape(of value: ValueRef) -> Shape { nodes[value.node].shape(of: value.output) }

    /// Output 0's shape; see `inferShapes` for all outputs.
    public func inferShape(of node: Node) throws -> Shape { try inferShapes(of: node).0 }

    /// Checks the node's attribute payload and inputs, then applies the op's shape rule.
    public func inferShapes(of node: Node) throws -> (Shape, [Shape]) {
        let def = node.kind.def
        func fail(_ message: String) -> GraphError {
            GraphError.shape(node: node.name, op: node.kind, origin: node.origin, message: message)
        }
        guard node.attrs.kind == def.attributes else {
            throw fail("expects \(def.attributes.rawValue) attributes, got \(node.attrs.kind.rawValue)")
        }
        if case .store = def.storage {
            guard let p = node.attrs.param, params.indices.contains(p) else { throw fail("parameter index out of range") }
            return (Shape(params[p].shape.map(Dim.const)), [])
        }
        for input in node.inputs where !nodes.indices.contains(input.node) || !(0..<nodes[input.node].outputCount).contains(input.output) {
            throw fail("input \(input) does not exist")
        }
        let shapes = node.inputs.map(shape(of:))
        switch Result(catching: { () throws(ShapeRuleError) -> Shape in try def.shape(shapes, node.attrs) }) {
        case .success(let shape): return (shape, def.extraOutputs(shapes, node.attrs))
        case .failure(let error): throw fail(error.message)
        }
    }

    /// Adds a parameter and its `param` node.
    public mutating func addParam(_ entry: ParamEntry, origin: String = "") throws -> NodeID {
        params.append(entry)
        return try add(.param, [], attrs: .param(params.count - 1), name: entry.path, origin: origin)
    }

    /// The nodes reading any output of each node.
    public func consumers() -> [[NodeID]] {
        var result = Array(repeating: [NodeID](), count: nodes.count)
        for node in nodes {
            for input in node.inputs where !result[input.node].contains(node.id) { result[input.node].append(node.id) }
        }
        return result
    }

    /// Nodes reachable backwards from the outputs and from nodes with side effects.
    public func live() -> [Bool] {
        var live = Array(repeating: false, count: nodes.count)
        var stack = Array(outputs.values) + nodes.filter(\.hasSideEffects).map(\.id)
        while let id = stack.popLast() {
            if live[id] { continue }
            live[id] = true
            stack.append(contentsOf: nodes[id].inputs.map(\.node))
        }
        return live
    }

    /// Keeps the nodes marked `keep`, renumbered in a topological order (inputs before users).
    public func compacted(keeping keep: [Bool]) -> Graph {
        var order: [NodeID] = []
        var state = Array(repeating: 0, count: nodes.count)  // 0 new, 1 visiting, 2 done
        for root in nodes.indices where keep[root] {
            var stack: [(NodeID, Int)] = [(root, 0)]
            while let (id, next) = stack.popLast() {
                if state[id] == 2 { continue }
                state[id] = 1
                let inputs = nodes[id].inputs
                if next < inputs.count {
                    stack.append((id, next + 1))
                    if state[inputs[next].node] == 0 { stack.append((inputs[next].node, 0)) }
                } else {
                    state[id] = 2
                    order.append(id)
                }
            }
        }
        var newID = Array(repeating: -1, count: nodes.count)
        for (i, old) in order.enumerated() { newID[old] = i }
        var g = Graph(maxBatch: maxBatch, maxSeq: maxSeq)
        g.params = params
        g.nodes = order.enumerated().map { i, old in
            var n = nodes[old]
            n.id = i
            n.inputs = n.inputs.map { ValueRef(newID[$0.node], output: $0.output) }
            return n
        }
        g.outputs = outputs.compactMapValues { newID[$0] >= 0 ? newID[$0] : nil }
        return g
    }

    public func count(of kind: OpKind) -> Int { nodes.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) } }

    /// Compute nodes (not inputs, parameters, constants or communication).
    public var opCount: Int { nodes.reduce(0) { $0 + ($1.kind.def.isSource || $1.kind.def.isCommunication ? 0 : 1) } }
}
