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

    /// Appends a node, inferring and checking its shape with the op's shape rule.
    @discardableResult
    public mutating func add(_ kind: OpKind, _ inputs: [NodeID], attrs: Attributes = Attributes(),
                             name: String, origin: String = "", phase: Phase = .forward) throws -> NodeID {
        let id = nodes.count
        var node = Node(id: id, kind: kind, inputs: inputs, attrs: attrs, name: name, origin: origin, phase: phase)
        node.shape = try inferShape(of: node)
        nodes.append(node)
        return id
    }

    public func inferShape(of node: Node) throws -> Shape {
        if [.param, .gradient, .paramState].contains(node.kind), let p = node.attrs.param {
            return Shape(params[p].shape.map(Dim.const))
        }
        let shapes = node.inputs.map { nodes[$0].shape }
        switch Result(catching: { () throws(ShapeRuleError) -> Shape in try node.kind.def.shape(shapes, node.attrs) }) {
        case .success(let shape): return shape
        case .failure(let error):
            throw GraphError.shape(node: node.name, op: node.kind, origin: node.origin, message: error.message)
        }
    }

    /// Adds a parameter and its `param` node.
    public mutating func addParam(_ entry: ParamEntry, origin: String = "") throws -> NodeID {
        params.append(entry)
        var attrs = Attributes()
        attrs.param = params.count - 1
        return try add(.param, [], attrs: attrs, name: entry.path, origin: origin)
    }

    public func consumers() -> [[NodeID]] {
        var result = Array(repeating: [NodeID](), count: nodes.count)
        for node in nodes {
            for input in node.inputs where !result[input].contains(node.id) { result[input].append(node.id) }
        }
        return result
    }

    public mutating func replaceUses(of old: NodeID, with new: NodeID) {
        for i in nodes.indices where i != new {
            for j in nodes[i].inputs.indices where nodes[i].inputs[j] == old { nodes[i].inputs[j] = new }
        }
        for (key, value) in outputs where value == old { outputs[key] = new }
    }

    /// Nodes reachable backwards from the outputs and from nodes with side effects.
    public func live() -> [Bool] {
        var live = Array(repeating: false, count: nodes.count)
        var stack = Array(outputs.values) + nodes.filter(\.hasSideEffects).map(\.id)
        while let id = stack.popLast() {
            if live[id] { continue }
            live[id] = true
            stack.append(contentsOf: nodes[id].inputs)
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
                    if state[inputs[next]] == 0 { stack.append((inputs[next], 0)) }
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
            n.inputs = n.inputs.map { newID[$0] }
            return n
        }
        g.outputs = outputs.compactMapValues { newID[$0] >= 0 ? newID[$0] : nil }
        return g
    }

    public func count(of kind: OpKind) -> Int { nodes.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) } }

    /// Compute nodes (not inputs, parameters or constants).
    public var opCount: Int { nodes.reduce(0) { $0 + ($1.kind.def.isSource ? 0 : 1) } }
}
