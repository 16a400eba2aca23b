extension PlanVerifier {
    /// The gradient buckets of a training program (`GradientBucketPass`): every parameter whose
    /// gradient the program writes is in exactly one bucket, and only those; a bucket's start
    /// comes after the last write of each of its gradients and its wait after the start, with
    /// the same buffers and nothing touching them in between; buckets are numbered 0, 1, … in
    /// order. Without this a shared plan could sum a gradient before it is final, or never.
    /// `training`: false for the inference and update programs, which have no communication.
    func checkCommunication(_ name: String, _ program: Program, training: Bool) throws(Unsafe) {
        let g = program.graph
        let comm = g.nodes.filter { $0.kind.def.isCommunication }
        guard training else {
            if let node = comm.first { throw Unsafe("\(name).nodes[\(node.id)] (\(node.kind.rawValue)) is communication outside a training program") }
            return
        }
        var lastWrite: [Int: NodeID] = [:]
        for node in g.nodes { if let p = GradientBuckets.writtenGradient(node) { lastWrite[p] = node.id } }
        var bucketOf: [Int: Int] = [:]
        var starts: [Int: Node] = [:]
        var waits: [Int: Node] = [:]
        for node in comm {
            let field = "\(name).nodes[\(node.id)]"
            guard let b = node.attrs.bucket, (0..<comm.count).contains(b) else {
                throw Unsafe("\(field).attrs.bucket is not a bucket index below \(comm.count)")
            }
            var params: [Int] = []
            for (j, value) in node.inputs.enumerated() {
                let input = g.nodes[value.node]
                guard input.kind == .gradient, value.output == 0, let p = input.attrs.param else {
                    throw Unsafe("\(field).inputs[\(j)] = \(value.node) is not a gradient buffer")
                }
                params.append(p)
            }
            if node.kind == .allReduceStart {
                guard starts[b] == nil else { throw Unsafe("\(field): bucket \(b) is started twice") }
                starts[b] = node
                for p in params {
                    if let other = bucketOf[p] { throw Unsafe("\(field): \(plan.params[p].path) is in buckets \(other) and \(b)") }
                    bucketOf[p] = b
                    let w = lastWrite[p] ?? -1
                    if w < 0 { throw Unsafe("\(field) starts bucket \(b), but \(plan.params[p].path) has no gradient in this program") }
                    if w > node.id { throw Unsafe("\(field) starts bucket \(b), but \(plan.params[p].path) is written again by node \(w)") }
                }
            } else {
                guard let start = starts[b] else { throw Unsafe("\(field) waits for bucket \(b) before it is started") }
                guard waits[b] == nil else { throw Unsafe("\(field): bucket \(b) is waited for twice") }
                guard node.inputs == start.inputs else { throw Unsafe("\(field) waits for other buffers than bucket \(b)'s start (node \(start.id))") }
                waits[b] = node
                let buffers = Set(params)
                for i in (start.id + 1)..<node.id {
                    if let reader = Self.gradientReader(g, i, buffers) {
                        throw Unsafe("\(name).nodes[\(reader)] reads a gradient of bucket \(b) while its all-reduce runs")
                    }
                }
            }
        }
        guard starts.count == waits.count, starts.count * 2 == comm.count, Set(starts.keys) == Set(0..<starts.count) else {
            throw Unsafe("\(name): the buckets are not numbered 0..<\(starts.count), each with one start and one wait")
        }
        for p in lastWrite.keys.sorted() {
            if bucketOf[p] == nil { throw Unsafe("\(name) writes the gradient of \(plan.params[p].path) but no bucket sums it across ranks") }
        }
    }

    /// `i` when node i is not communication and reads the gradient buffer of one of `params`.
    static func gradientReader(_ g: Graph, _ i: Int, _ params: Set<Int>) -> Int? {
        let node = g.nodes[i]
        if node.kind.def.isCommunication { return nil }
        for value in node.inputs {
            let input = g.nodes[value.node]
            if input.kind == .gradient, let p = input.attrs.param, params.contains(p) { return i }
        }
        return nil
    }
}
