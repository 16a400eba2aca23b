/// Plans all activations into one buffer. Lifetimes come from the schedule (a value lives from the
/// node that writes it to its last reader; inputs from the start, outputs to the end). An op that
/// may work in place takes over its input's buffer when that input dies there. Buffers are then
/// placed largest first at the lowest offset that overlaps no buffer with a conflicting lifetime
/// (the unified static planner of TVM), which beats an online allocator when the graph is known.
struct ArenaPlanPass: Pass {
    var name: String { "arena" }

    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        context.arena = try ArenaPlanner.plan(graph)
    }
}

public enum ArenaPlanner {
    struct Buffer {
        var size: Int
        var start: Int
        var end: Int
        var offset = -1
    }

    /// Parameters and their gradients and moments live in the parameter store, gradient
    /// accumulations write there, and effect-only nodes have no value: all others take a slot.
    public static func needsStorage(_ node: Node) -> Bool { NodeStorage.of(node) == .arena }

    /// Throws when a buffer's size at the maxima, or the arena's, does not fit in an `Int`.
    /// Every output of a node is its own value with its own lifetime and slot.
    public static func plan(_ graph: Graph) throws(GraphError) -> ArenaLayout {
        let n = graph.nodes.count
        let align = ArenaLayout.alignment
        // Values are numbered node by node, output by output.
        var first = [Int](repeating: 0, count: n + 1)
        for node in graph.nodes { first[node.id + 1] = first[node.id] + node.outputCount }
        func index(_ v: ValueRef) -> Int { first[v.node] + v.output }
        let values = first[n]
        // A value lives at least through the node that writes it.
        var lastUse = graph.nodes.flatMap { Array(repeating: $0.id, count: $0.outputCount) }
        for node in graph.nodes {
            for input in node.inputs { lastUse[index(input)] = max(lastUse[index(input)], node.id) }
        }
        for id in graph.outputs.values { lastUse[index(ValueRef(id))] = n }
        // Fed values stay valid across runs, so a caller may feed once and run many times.
        for node in graph.nodes where node.kind.def.isFedByRuntime { lastUse[index(ValueRef(node.id))] = n }

        var bufferOf = Array(repeating: -1, count: values)
        var buffers: [Buffer] = []
        var sizes = Array(repeating: 0, count: values)
        var inPlace = 0
        var naive = 0
        for node in graph.nodes where needsStorage(node) {
            for output in 0..<node.outputCount {
                let value = index(ValueRef(node.id, output: output))
                let shape = node.shape(of: output)
                guard let bytes = shape.checkedBytes(batch: graph.maxBatch, seq: graph.maxSeq),
                      let size = SizeMath.roundUp(bytes, to: align), let sum = SizeMath.add(naive, size) else {
                    throw GraphError.shape(node: node.name, op: node.kind, origin: node.origin,
                                           message: "\(shape) at \(graph.maxBatch)×\(graph.maxSeq) needs more bytes than fit in 64 bits")
                }
                sizes[value] = size
                naive = sum
                if output == 0, let i = node.kind.def.inPlaceInput {
                    let input = node.inputs[i]
                    let b = bufferOf[index(input)]
                    if b >= 0, buffers[b].end == node.id, lastUse[index(input)] == node.id, sizes[index(input)] == size,
                       !graph[input.node].kind.def.isSource {
                        bufferOf[value] = b
                        buffers[b].end = lastUse[value]
                        inPlace += 1
                        continue
                    }
                }
                bufferOf[value] = buffers.count
                buffers.append(Buffer(size: size, start: node.kind.def.isSource ? 0 : node.id, end: lastUse[value]))
            }
        }

        let order = buffers.indices.sorted {
            buffers[$0].size != buffers[$1].size ? buffers[$0].size > buffers[$1].size : buffers[$0].start < buffers[$1].start
        }
        var placed: [Int] = []
        var total = 0
        for b in order {
            let me = buffers[b]
            var conflicts = placed.filter { buffers[$0].start <= me.end && me.start <= buffers[$0].end }
                .map { (buffers[$0].offset, buffers[$0].offset + buffers[$0].size) }
            conflicts.sort { $0.0 < $1.0 }
            var offset = 0
            for (lo, hi) in conflicts {
                if offset + me.size <= lo { break }
                offset = max(offset, hi)
            }
            buffers[b].offset = offset
            total = max(total, offset + me.size)
            placed.append(b)
        }
        let offsets = (0..<values).map { bufferOf[$0] >= 0 ? buffers[bufferOf[$0]].offset : -1 }
        return ArenaLayout(offsets: (0..<n).map { offsets[first[$0]] }, sizes: (0..<n).map { sizes[first[$0]] },
                           extraOffsets: (0..<n).map { Array(offsets[(first[$0] + 1)..<first[$0 + 1]]) },
                           extraSizes: (0..<n).map { Array(sizes[(first[$0] + 1)..<first[$0 + 1]]) },
                           bytes: total, naiveBytes: naive, inPlace: inPlace)
    }
}
