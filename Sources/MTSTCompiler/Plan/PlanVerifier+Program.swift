extension PlanVerifier {
    /// `training`: a program whose gradients the buckets must sum (training and its phases).
    func checkProgram(_ name: String, _ program: Program, training: Bool = false) throws(Unsafe) {
        let g = program.graph
        let arena = program.arena
        guard g.params == plan.params else { throw Unsafe("\(name).params differs from the plan's parameter table") }
        try Self.range(g.maxBatch, 1...PlanLimits.maxBatch, "\(name).maxBatch")
        try Self.range(g.maxSeq, 1...PlanLimits.maxSeq, "\(name).maxSeq")
        guard g.maxBatch * g.maxSeq <= PlanLimits.maxTokens else {
            throw Unsafe("\(name).maxBatch × maxSeq = \(g.maxBatch) × \(g.maxSeq) exceeds \(PlanLimits.maxTokens) token rows")
        }
        let n = g.nodes.count
        try Self.range(n, 1...PlanLimits.maxNodes, "\(name).nodes.count")
        guard arena.offsets.count == n, arena.sizes.count == n, arena.extraOffsets.count == n, arena.extraSizes.count == n else {
            throw Unsafe("\(name).arena has \(arena.offsets.count) offsets and \(arena.sizes.count) sizes for \(n) nodes")
        }
        try Self.range(arena.bytes, 0...Int.max / 2, "\(name).arena.bytes")
        var seenInputs = Set<InputKind>()
        for (i, node) in g.nodes.enumerated() {
            let field = "\(name).nodes[\(i)]"
            guard node.id == i else { throw Unsafe("\(field).id = \(node.id), expected \(i)") }
            for (j, value) in node.inputs.enumerated() {
                let input = value.node
                guard (0..<n).contains(input) else { throw Unsafe("\(field).inputs[\(j)] = \(input) is out of range (\(n) nodes)") }
                guard input < i else { throw Unsafe("\(field).inputs[\(j)] = \(input) does not come before the node") }
                let storage = NodeStorage.of(g.nodes[input])
                guard storage.isStore || storage == .arena else {
                    throw Unsafe("\(field).inputs[\(j)] = \(input) has no value to read (node \(input) only writes a gradient or an update)")
                }
                guard (0..<g.nodes[input].outputCount).contains(value.output) else {
                    throw Unsafe("\(field).inputs[\(j)] = \(value) reads output \(value.output) of a node with \(g.nodes[input].outputCount)")
                }
            }
            try checkParamAttribute(field, node)
            try checkShape(field, node, in: g)
            if node.kind == .input {
                guard let kind = node.attrs.inputKind else { throw Unsafe("\(field).attrs.input is missing") }
                guard seenInputs.insert(kind).inserted else { throw Unsafe("\(field).attrs.input = \(kind) appears twice") }
                try checkInput(field, node, kind, in: g)
            }
            if node.kind == .gather { try checkTable(field, node, ids: node.inputs[1].node, table: node.inputs[0].node, in: g) }
            if node.kind == .embeddingGrad { try checkTable(field, node, ids: node.inputs[1].node, table: node.inputs[2].node, in: g) }
            if node.kind == .adamw || node.kind == .sgd { try checkUpdate(field, node, in: g) }
            if node.kind.def.isInferenceOnly { try checkInferenceOnly(name, field, node, in: g) }
            if NodeStorage.of(node) == .arena {
                for output in 0..<node.outputCount { try checkSlot(name, ValueRef(i, output: output), program) }
            }
        }
        try checkCommunication(name, program, training: training)
        for (key, id) in g.outputs.sorted(by: { $0.key < $1.key }) {
            guard (0..<n).contains(id) else { throw Unsafe("\(name).outputs[\(key)] = \(id) is out of range (\(n) nodes)") }
            guard NodeStorage.of(g.nodes[id]) == .arena else { throw Unsafe("\(name).outputs[\(key)] = \(id) has no arena slot") }
        }
    }

    /// Parameter indices are in the table; nodes that write a gradient or an update write one
    /// that exists (a trainable root), with the parameter's shape. Whether a node carries the
    /// parameter payload its op needs is checked with its shape (`Graph.inferShapes`).
    func checkParamAttribute(_ field: String, _ node: Node) throws(Unsafe) {
        guard let p = node.param else { return }
        let key = node.accumulatesInto != nil ? "\(field).accumulatesInto" : "\(field).attrs.param"
        guard plan.params.indices.contains(p) else { throw Unsafe("\(key) = \(p) is out of range (\(plan.params.count) parameters)") }
        // Everything that names a parameter but its value node touches its training state.
        let writesState = NodeStorage.of(node) != .store(.weights)
        guard !writesState || (layout?.trainOffsets[p] ?? -1) >= 0 else {
            throw Unsafe("\(key) = \(p) (\(plan.params[p].path)) has no gradient buffer (a slice or a frozen parameter)")
        }
        if node.kind == .paramState {
            let slot = node.attrs.optimizer?.stateSlot ?? -1
            let names = plan.optimizer.method.stateNames
            guard names.indices.contains(slot) else {
                throw Unsafe("\(field).attrs.optimizer.stateSlot = \(slot), but \(plan.optimizer.method.name.rawValue) keeps \(names.count) state buffer\(names.count == 1 ? "" : "s")")
            }
        }
        let shape = Shape(plan.params[p].shape.map(Dim.const))
        if node.accumulatesInto != nil, node.shape != shape {
            throw Unsafe("\(field).shape = \(node.shape) accumulates into \(plan.params[p].path) of shape \(shape)")
        }
    }

    /// Well-formed dims, a size that fits at the maxima, and the shape the op table's rule gives.
    func checkShape(_ field: String, _ node: Node, in g: Graph) throws(Unsafe) {
        for shape in [node.shape] + node.extraShapes { try checkDims(field, shape, in: g) }
        let inferred: (Shape, [Shape])
        do {
            inferred = try g.inferShapes(of: node)
        } catch {
            let message = if case let .shape(_, _, _, m)? = error as? GraphError { m } else { "\(error)" }
            throw Unsafe("\(field) (\(node.kind.rawValue) \(node.name)): \(message)")
        }
        guard inferred.0 == node.shape else { throw Unsafe("\(field).shape = \(node.shape), but its inputs give \(inferred.0)") }
        guard inferred.1 == node.extraShapes else {
            throw Unsafe("\(field).extraShapes = \(node.extraShapes), but its inputs give \(inferred.1)")
        }
        if node.kind.def.storage == .gradientBuffer, let p = node.attrs.param, g.shape(of: node.inputs[0]) != Shape(plan.params[p].shape.map(Dim.const)) {
            throw Unsafe("\(field).inputs[0] has shape \(g.shape(of: node.inputs[0])), not the shape of \(plan.params[p].path)")
        }
    }

    func checkDims(_ field: String, _ shape: Shape, in g: Graph) throws(Unsafe) {
        for d in shape.dims where d.coefficient < 1 || !(0...1).contains(d.batchPower) || !(0...1).contains(d.seqPower) {
            throw Unsafe("\(field).shape = \(shape) has a malformed dimension")
        }
        guard shape.checkedBytes(batch: g.maxBatch, seq: g.maxSeq) != nil else {
            throw Unsafe("\(field).shape = \(shape) overflows at \(g.maxBatch)×\(g.maxSeq)")
        }
        // Dimensions become BLAS's 32-bit sizes and leading dimensions.
        for d in shape.dims where (d.checkedValue(batch: g.maxBatch, seq: g.maxSeq) ?? Int.max) > Int(Int32.max) {
            throw Unsafe("\(field).shape = \(shape) has a dimension past 2^31−1 at \(g.maxBatch)×\(g.maxSeq)")
        }
    }

    /// An activation's slot lies inside the arena at the maxima.
    func checkSlot(_ name: String, _ value: ValueRef, _ program: Program) throws(Unsafe) {
        let g = program.graph
        let i = value.node
        guard value.output == 0 || program.arena.extraOffsets[i].count == g.nodes[i].extraShapes.count else {
            throw Unsafe("\(name).arena.extraOffsets[\(i)] has \(program.arena.extraOffsets[i].count) slots for \(g.nodes[i].extraShapes.count) extra outputs")
        }
        let offset = program.arena.offset(of: value)
        let field = value.output == 0 ? "\(name).arena.offsets[\(i)] = \(offset)" : "\(name).arena.extraOffsets[\(i)][\(value.output - 1)] = \(offset)"
        guard offset >= 0 else { throw Unsafe("\(field): node \(i) (\(g.nodes[i].name)) has no storage") }
        guard offset % ArenaLayout.alignment == 0 else { throw Unsafe("\(field) is not \(ArenaLayout.alignment)-byte aligned") }
        let bytes = g.nodes[i].shape(of: value.output).checkedBytes(batch: g.maxBatch, seq: g.maxSeq) ?? Int.max
        guard let end = SizeMath.add(offset, bytes), end <= program.arena.bytes else {
            throw Unsafe("\(field): node \(i) needs \(bytes) bytes at \(g.maxBatch)×\(g.maxSeq), past the arena's \(program.arena.bytes) bytes")
        }
    }

    /// The shape the runtime writes for each input, and a head for every label input.
    func checkInput(_ field: String, _ node: Node, _ kind: InputKind, in g: Graph) throws(Unsafe) {
        let expected: Shape
        switch kind {
        case .tokenIds, .tokenTypes, .positions: expected = Shape(.tokens)
        case .mask: expected = Shape(.batch, .seq)
        case .optimizerState: expected = Shape(.const(OptimizerState.count(params: plan.params.count)))
        case .labels(let head):
            guard let h = plan.model.taskHeads.first(where: { $0.name == head }) else {
                throw Unsafe("\(field).attrs.input = \(kind) names no head of the model")
            }
            expected = Shape(Architectures.head(h.kind).rows)
        case .candidates(let head):
            guard plan.model.taskHeads.contains(where: { $0.name == head && $0.kind == .contrastive }) else {
                throw Unsafe("\(field).attrs.input = \(kind) names no contrastive head of the model")
            }
            expected = Shape(.batch)
        }
        guard node.shape == expected else { throw Unsafe("\(field).shape = \(node.shape), but the runtime feeds \(kind) as \(expected)") }
    }

    /// An embedding table has a row for every id the runtime can feed its ids input.
    func checkTable(_ field: String, _ node: Node, ids: NodeID, table: NodeID, in g: Graph) throws(Unsafe) {
        let rows = g.nodes[table].shape[0].coefficient
        let needed: Int
        switch g.nodes[ids].attrs.inputKind {
        case .tokenIds?: needed = plan.model.vocabSize
        case .positions?: needed = g.maxSeq
        case .tokenTypes?: needed = 1
        default: throw Unsafe("\(field).inputs[1] = \(ids) is not a token id, position or token type input")
        }
        let offset = node.attrs.idOffset ?? 0
        guard g.nodes[table].shape[0].isConstant, offset >= 0, let reach = SizeMath.add(needed, offset), rows >= reach else {
            throw Unsafe("\(field).inputs = table of \(rows) rows, but ids reach \(needed - 1)\(offset == 0 ? "" : " from row \(offset)")")
        }
    }

    /// An update is the plan's optimizer method, and writes its first inputs: they must be its
    /// parameter's value, gradient and state buffers, in the method's slot order.
    func checkUpdate(_ field: String, _ node: Node, in g: Graph) throws(Unsafe) {
        let method = plan.optimizer.method
        guard node.kind == method.updateOp, node.attrs.optimizer?.method == method else {
            throw Unsafe("\(field) (\(node.kind.rawValue)) is not an update of the plan's optimizer \(method)")
        }
        let kinds: [OpKind] = [.param, .gradient] + method.stateNames.map { _ in .paramState }
        for (j, kind) in kinds.enumerated() {
            let input = g.nodes[node.inputs[j].node]
            guard node.inputs[j].output == 0, input.kind == kind, input.attrs.param == node.attrs.param,
                  kind != .paramState || input.attrs.optimizer?.stateSlot == j - 2 else {
                throw Unsafe("\(field).inputs[\(j)] = \(node.inputs[j].node) is not the \(kind.rawValue)\(kind == .paramState ? " \(j - 2)" : "") of parameter \(node.attrs.param ?? -1)")
            }
        }
    }

    /// The outputs the runtime reads: the embedding (`[B, hidden]`), each head's logits
    /// (`[B or B·T, labels]`, as the predictor indexes labels by argmax) and the loss.
    func checkHeads(_ name: String, _ program: Program, training: Bool) throws(Unsafe) {
        let g = program.graph
        func output(_ key: String, _ expected: Shape) throws(Unsafe) {
            guard let id = g.outputs[key] else { throw Unsafe("\(name).outputs[\(key)] is missing") }
            guard g.nodes[id].shape == expected else { throw Unsafe("\(name).outputs[\(key)] has shape \(g.nodes[id].shape), expected \(expected)") }
        }
        try output("embedding", Shape(.batch, .const(plan.model.hidden)))
        for head in plan.model.taskHeads where head.predicts {
            try output("logits.\(head.name)", Shape(Architectures.head(head.kind).rows, .const(head.labels.count)))
        }
        if training { try output("loss", .scalar) }
        let positions = g.nodes.contains { $0.attrs.inputKind == .positions }
        if positions, g.maxSeq + plan.model.positionOffset > plan.model.maxPositions {
            let from = plan.model.positionOffset == 0 ? "" : " from position \(plan.model.positionOffset)"
            throw Unsafe("\(name).maxSeq = \(g.maxSeq)\(from) exceeds model.maxPositions \(plan.model.maxPositions)")
        }
    }
}
