extension PlanVerifier {
    /// The gradual-unfreezing phases: present only with a training program, starting at epoch 0
    /// in increasing order before the last phase (`training`); each phase program is verified as
    /// the training program is, is planned for the same batch (the runtime feeds every phase the
    /// same inputs), and writes a gradient for exactly the parameters of the training program
    /// that train in its phase.
    func checkPhases() throws(Unsafe) {
        guard let phases = plan.phases else { return }
        guard let training = plan.training else { throw Unsafe("phases is present without a training program") }
        try Self.range(phases.early.count, 1...max(1, plan.params.count), "phases.early.count")
        try Self.range(phases.lastFromEpoch, 1...Int(Int32.max), "phases.lastFromEpoch")
        let all = OptimizerLowering.parametersWithGradients(training.graph)
        var previous = -1
        for (k, phase) in phases.early.enumerated() {
            let name = "phases.early[\(k)]"
            if k == 0 {
                guard phase.fromEpoch == 0 else { throw Unsafe("\(name).fromEpoch = \(phase.fromEpoch): the first phase starts at epoch 0") }
            } else {
                guard phase.fromEpoch > previous else {
                    throw Unsafe("\(name).fromEpoch = \(phase.fromEpoch) does not come after the previous phase's \(previous)")
                }
            }
            guard phase.fromEpoch < phases.lastFromEpoch else {
                throw Unsafe("\(name).fromEpoch = \(phase.fromEpoch) does not come before phases.lastFromEpoch \(phases.lastFromEpoch)")
            }
            previous = phase.fromEpoch
            let g = phase.program.graph
            guard g.maxBatch == training.graph.maxBatch, g.maxSeq == training.graph.maxSeq else {
                throw Unsafe("\(name) is planned for \(g.maxBatch)×\(g.maxSeq), the training program for \(training.graph.maxBatch)×\(training.graph.maxSeq)")
            }
            try checkProgram("\(name).program", phase.program, training: true)
            try checkHeads("\(name).program", phase.program, training: true)
            let written = OptimizerLowering.parametersWithGradients(g)
            for p in written.sorted() where !plan.params[p].setting.trains(inEpoch: phase.fromEpoch) {
                throw Unsafe("\(name) writes the gradient of \(plan.params[p].path), which does not train before epoch \(plan.params[p].setting.trainFromEpoch)")
            }
            for p in all.subtracting(written).sorted() where plan.params[p].setting.trains(inEpoch: phase.fromEpoch) {
                throw Unsafe("\(name) writes no gradient for \(plan.params[p].path), which trains from epoch \(plan.params[p].setting.trainFromEpoch)")
            }
        }
    }
}
