/// Schedules the gradient all-reduce of data-parallel training inside the training program. The
/// parameters that get a gradient are grouped into buckets of about `distributed.bucket_mb`, in
/// the order the backward pass finishes their gradients (the top layer's first); each bucket gets
/// an `allReduceStart` right after the last node that writes any of its gradients, so the sum
/// across ranks travels while the backward pass computes the lower layers, and an
/// `allReduceWait` at the end of the program, before the update program reads them. Frozen
/// parameters have no gradient writer and never travel; each gradual-unfreezing phase runs this
/// pass on its own program and so gets its own buckets. Runs after `schedule`, which fixed the
/// order the placement refers to, and before `arena`.
struct GradientBucketPass: Pass {
    var name: String { "gradient-buckets" }

    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        guard context.mode == .training else { return }
        let buckets = GradientBuckets.group(graph, bucketBytes: context.bucketBytes)
        context.buckets = buckets.count
        guard !buckets.isEmpty else { return }
        graph = try GradientBuckets.insert(buckets, into: graph)
    }
}

public enum GradientBuckets {
    /// One bucket while planning: its parameters in completion order and the node after which
    /// the last of their gradients is final.
    struct Group {
        var params: [Int] = []
        var bytes = 0
        var lastWriter = -1
    }

    /// The parameter whose gradient buffer `node` writes (an accumulating gradient op or a
    /// `gradAccumulate`), nil for every other node.
    public static func writtenGradient(_ node: Node) -> Int? {
        NodeStorage.of(node) == .gradient ? node.param : nil
    }

    /// The node that writes each parameter's gradient last, in schedule order.
    static func lastWriters(_ graph: Graph) -> [Int: NodeID] {
        var last: [Int: NodeID] = [:]
        for node in graph.nodes { if let p = writtenGradient(node) { last[p] = node.id } }
        return last
    }

    static func group(_ graph: Graph, bucketBytes: Int) -> [Group] {
        let order = lastWriters(graph).sorted { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }
        var groups: [Group] = []
        var current = Group()
        for (p, writer) in order {
            let bytes = graph.params[p].count * MemoryLayout<Float>.stride
            if !current.params.isEmpty, current.bytes + bytes > bucketBytes {
                groups.append(current)
                current = Group()
            }
            current.params.append(p)
            current.bytes += bytes
            current.lastWriter = writer
        }
        if !current.params.isEmpty { groups.append(current) }
        return groups
    }

    /// The graph with each bucket's `gradient` buffers and start after its last writer, and the
    /// waits at the end; node ids renumbered in the new order.
    static func insert(_ groups: [Group], into graph: Graph) throws -> Graph {
        var startsAfter: [NodeID: [Int]] = [:]
        for (b, group) in groups.enumerated() { startsAfter[group.lastWriter, default: []].append(b) }
        var result = Graph(maxBatch: graph.maxBatch, maxSeq: graph.maxSeq)
        result.params = graph.params
        var newID = Array(repeating: -1, count: graph.nodes.count)
        var buffers: [[NodeID]] = Array(repeating: [], count: groups.count)
        for node in graph.nodes {
            var moved = node
            moved.id = result.nodes.count
            moved.inputs = node.inputs.map { ValueRef(newID[$0.node], output: $0.output) }
            newID[node.id] = moved.id
            result.nodes.append(moved)
            for b in startsAfter[node.id] ?? [] {
                for p in groups[b].params {
                    buffers[b].append(try result.add(.gradient, [], attrs: .param(p), name: "\(graph.params[p].path).grad",
                                                     phase: .backward))
                }
                try result.add(.allReduceStart, buffers[b], attrs: .bucket(b), name: "gradients.bucket[\(b)].start", phase: .backward)
            }
        }
        for b in groups.indices {
            try result.add(.allReduceWait, buffers[b], attrs: .bucket(b), name: "gradients.bucket[\(b)].wait", phase: .backward)
        }
        result.outputs = graph.outputs.mapValues { newID[$0] }
        return result
    }

    /// A bucket as `compile --json` and `inspect` show it.
    public struct Info: Sendable, Equatable {
        public var index: Int
        /// Parameter paths in the order the backward pass finishes them.
        public var params: [String]
        public var bytes: Int
        /// Node ids of the start and the wait in the program's schedule.
        public var startNode: Int
        public var waitNode: Int
        /// Backward ops that run between the start and the wait: the work the transfer can hide behind.
        public var overlappingOps: Int
    }

    /// The buckets of a compiled program, read back from its communication nodes.
    public static func list(_ graph: Graph) -> [Info] {
        var infos: [Int: Info] = [:]
        for node in graph.nodes {
            guard let b = node.attrs.bucket else { continue }
            if node.kind == .allReduceStart {
                let params = node.inputs.compactMap { graph.nodes[$0.node].attrs.param }
                infos[b] = Info(index: b, params: params.map { graph.params[$0].path },
                                bytes: params.reduce(0) { $0 + graph.params[$1].count * MemoryLayout<Float>.stride },
                                startNode: node.id, waitNode: -1, overlappingOps: 0)
            } else if node.kind == .allReduceWait, var info = infos[b] {
                info.waitNode = node.id
                info.overlappingOps = graph.nodes[(info.startNode + 1)..<node.id].filter {
                    !$0.kind.def.isSource && !$0.kind.def.isCommunication
                }.count
                infos[b] = info
            }
        }
        return infos.values.sorted { $0.index < $1.index }
    }
}
