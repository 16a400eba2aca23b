/// Builds the optimizer program: for every parameter that takes updates, the squared norm of its
/// gradient, one global clipping factor, and the method's update node over the parameter, its
/// gradient and its state buffers. The runtime runs it once per optimizer step, after the
/// backward pass of the last accumulated micro-batch; which parameters update in a step, their
/// learning rates and their step counts are the runtime's (the `optimizerState` input).
public enum OptimizerLowering {
    /// The update program's output `[scale, ‖g‖]` (see `ClipScaleOp`).
    public static let clipOutput = "optimizer.clip"

    /// `updated`: the root parameters the training graph writes a gradient for. A trainable
    /// parameter outside the loss (a head whose loss weight is 0) gets no update node, so no
    /// weight decay or momentum moves it.
    public static func lower(params: [ParamEntry], method: OptimizerMethod, clipNorm: Double, updated: Set<Int>) throws -> Graph {
        var g = Graph(maxBatch: 1, maxSeq: 1)
        g.params = params
        let state = try g.add(.input, [], attrs: .input(.optimizerState, shape: Shape(.const(OptimizerState.count(params: params.count)))),
                              name: "optimizer.state", origin: "optimizer")
        var updates: [(index: Int, param: NodeID, grad: NodeID)] = []
        var norms: [NodeID] = []
        let attrs = OptimizerAttributes(method: method)
        for (i, p) in params.enumerated() where p.sliceOf == nil && p.trains && updated.contains(i) {
            let param = try g.add(.param, [], attrs: .param(i), name: p.path, origin: "optimizer")
            let grad = try g.add(.gradient, [], attrs: .param(i), name: "\(p.path).grad", origin: "optimizer")
            // Computed even without clipping: the runtime stops on a non-finite norm.
            norms.append(try g.add(.gradSquaredNorm, [grad, state], attrs: .optimizer(param: i, attrs),
                                   name: "\(p.path).grad_norm2", origin: "optimizer"))
            updates.append((i, param, grad))
        }
        guard !updates.isEmpty else { throw CompileError.nothingToTrain("every parameter is frozen") }
        let scale = try g.add(.clipScale, norms + [state], attrs: .clip(norm: clipNorm), name: "optimizer.clip_scale", origin: "optimizer")
        g.outputs[OptimizerLowering.clipOutput] = scale
        for u in updates {
            let path = params[u.index].path
            var buffers: [NodeID] = []
            for (slot, name) in method.stateNames.enumerated() {
                buffers.append(try g.add(.paramState, [], attrs: .optimizer(param: u.index, OptimizerAttributes(method: method, stateSlot: slot)),
                                         name: "\(path).\(name)", origin: "optimizer"))
            }
            try g.add(method.updateOp, [u.param, u.grad] + buffers + [scale, state], attrs: .optimizer(param: u.index, attrs),
                      name: "\(path).\(method.name.rawValue)", origin: "optimizer")
        }
        return g
    }

    /// The root parameters a training graph writes a gradient into.
    public static func parametersWithGradients(_ training: Graph) -> Set<Int> {
        Set(training.nodes.compactMap { node in
            node.kind == .gradAccumulate ? node.attrs.param : node.accumulatesInto
        })
    }
}
