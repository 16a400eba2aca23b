/// Builds the optimizer program: for every parameter that trains, the squared norm of its
/// gradient, one global clipping factor, and an AdamW update node. The runtime runs it once per
/// optimizer step, after the backward pass of the last accumulated micro-batch.
public enum OptimizerLowering {
    /// The update program's output `[scale, ‖g‖]` (see `ClipScaleOp`).
    public static let clipOutput = "optimizer.clip"

    public static func lower(params: [ParamEntry], beta1: Double, beta2: Double, eps: Double, clipNorm: Double) throws -> Graph {
        var g = Graph(maxBatch: 1, maxSeq: 1)
        g.params = params
        let state = try g.add(.input, [], attrs: .input(.optimizerState, shape: Shape(.const(OptimizerState.count))), name: "optimizer.state", origin: "optimizer")
        var updates: [(index: Int, param: NodeID, grad: NodeID, attrs: OptimizerAttributes)] = []
        var norms: [NodeID] = []
        for (i, p) in params.enumerated() where p.sliceOf == nil && p.trains {
            var o = OptimizerAttributes()
            o.lr = p.lr
            o.weightDecay = p.weightDecay
            o.beta1 = beta1
            o.beta2 = beta2
            o.eps = eps
            o.fromEpoch = p.trainFromEpoch
            let param = try g.add(.param, [], attrs: .param(i), name: p.path, origin: "optimizer")
            let grad = try g.add(.gradient, [], attrs: .param(i), name: "\(p.path).grad", origin: "optimizer")
            // Computed even without clipping: the runtime stops on a non-finite norm.
            norms.append(try g.add(.gradSquaredNorm, [grad, state], attrs: .optimizer(param: i, o), name: "\(p.path).grad_norm2", origin: "optimizer"))
            updates.append((i, param, grad, o))
        }
        guard !updates.isEmpty else { throw CompileError.nothingToTrain("every parameter is frozen") }
        let scale = try g.add(.clipScale, norms + [state], attrs: .clip(norm: clipNorm), name: "optimizer.clip_scale", origin: "optimizer")
        g.outputs[OptimizerLowering.clipOutput] = scale
        for u in updates {
            let m = try g.add(.moment1, [], attrs: .param(u.index), name: "\(params[u.index].path).m", origin: "optimizer")
            let v = try g.add(.moment2, [], attrs: .param(u.index), name: "\(params[u.index].path).v", origin: "optimizer")
            try g.add(.adamw, [u.param, u.grad, m, v, scale, state], attrs: .optimizer(param: u.index, u.attrs), name: "\(params[u.index].path).adamw", origin: "optimizer")
        }
        return g
    }
}
