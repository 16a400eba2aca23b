/// Pattern helpers for the fusion passes.
struct FusionMatcher {
    let graph: Graph
    let consumers: [[NodeID]]
    let outputs: Set<NodeID>

    init(_ graph: Graph) {
        self.graph = graph
        consumers = graph.consumers()
        outputs = Set(graph.outputs.values)
    }

    /// The node may disappear into its only consumer: nothing else reads it.
    func soleUse(_ id: NodeID) -> Bool { consumers[id].count == 1 && !outputs.contains(id) }

    /// `biasAdd(matmul(x, W, transB), b)` with W and b parameters: returns (biasAdd, matmul, x, W, b).
    func dense(_ id: NodeID) -> (bias: NodeID, matmul: NodeID, x: NodeID, weight: NodeID, b: NodeID)? {
        let n = graph[id]
        guard n.kind == .biasAdd else { return nil }
        let mm = graph[n.inputs[0]]
        guard mm.kind == .matmul, mm.attrs.transB, !mm.attrs.transA, soleUse(mm.id),
              graph[mm.inputs[1]].kind == .param, graph[n.inputs[1]].kind == .param else { return nil }
        return (id, mm.id, mm.inputs[0], mm.inputs[1], n.inputs[1])
    }
}
