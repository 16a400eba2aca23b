import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// The optimizer program with global-norm clipping on (`gradSquaredNorm` per parameter, one
/// `clipScale`, `adamw` per parameter) against a reference written here in Double from the
/// definitions of `torch.nn.utils.clip_grad_norm_` and `torch.optim.AdamW`. The PyTorch parity
/// test covers AdamW without clipping; this one covers the clipping path, accumulation scaling,
/// a frozen parameter and a parameter that joins later.
struct ClippedUpdateTests {
    static let beta1 = 0.9, beta2 = 0.999, eps = 1e-8

    static func params() -> [ParamEntry] {
        var list = [
            ParamEntry(path: "a.weight", shape: [7, 5], checkpointName: nil, initializer: .zeros),
            ParamEntry(path: "a.bias", shape: [5], checkpointName: nil, initializer: .zeros),
            ParamEntry(path: "b.weight", shape: [11, 3], checkpointName: nil, initializer: .zeros),
            ParamEntry(path: "frozen", shape: [4], checkpointName: nil, initializer: .zeros),
            ParamEntry(path: "late", shape: [6], checkpointName: nil, initializer: .zeros),
        ]
        for (i, lr) in [1e-2, 3e-3, 5e-2, 0, 2e-2].enumerated() { list[i].setting.lr = lr }
        list[0].setting.weightDecay = 0.1
        list[2].setting.weightDecay = 0.01
        list[3].setting.frozen = true
        list[4].setting.trainFromEpoch = 1
        return list
    }

    /// (clip relative to the first step's gradient norm, accumulation scale): clipping active,
    /// inactive, and active on accumulated gradients.
    @Test(arguments: [(0.25, 1.0), (4.0, 1.0), (0.5, 0.5)])
    func clippedAdamWMatchesReference(clipFactor: Double, gradScale: Double) throws {
        let params = Self.params()
        let store = try ParamStore(params: params, optimizerState: OptimizerMethod.adamwDefaults.stateNames)
        var rng = SplitMix64(seed: 17)
        var reference: [[Double]] = []
        for i in params.indices {
            let values = (0..<params[i].count).map { _ in rng.nextGaussian() }
            for (j, v) in values.enumerated() { store.pointer(i)[j] = Float(v) }
            reference.append(values.map { Double(Float($0)) })
        }
        var m = params.map { Array(repeating: 0.0, count: $0.count) }
        var v = m
        // Three updates: the first two in epoch 0 (the late parameter waits), the third in epoch 1.
        let updatesPerEpoch = 2
        var clip = 0.0
        var counts: [Int]?
        for update in 1...3 {
            let epoch = (update - 1) / updatesPerEpoch
            var grads: [[Double]] = []
            for (i, p) in params.enumerated() {
                let g = (0..<p.count).map { _ in rng.nextGaussian() * Double(i + 1) }
                grads.append(g.map { Double(Float($0)) })
                if let gp = store.gradPointer(i) { for (j, x) in g.enumerated() { gp[j] = Float(x) } }
            }
            let active = params.indices.filter { params[$0].setting.trains(inEpoch: epoch) }
            let norm = active.reduce(0.0) { total, i in total + grads[i].reduce(0) { $0 + ($1 * gradScale) * ($1 * gradScale) } }.squareRoot()
            if update == 1 { clip = clipFactor * norm }
            let factor = gradScale * (norm > clip ? clip / (norm + 1e-6) : 1)
            let program = try ProgramBuilder.updateProgram(params: params, method: .adamw(beta1: Self.beta1, beta2: Self.beta2, eps: Self.eps),
                                                          clipNorm: clip, updated: Set(params.indices))
            #expect(program.graph.count(of: .gradSquaredNorm) == 4 && program.graph.count(of: .clipScale) == 1)
            // The moments live in the store; the program is rebuilt only because clip is set from the first norm.
            // The update counts are the runtime optimizer's: carried over to the rebuilt one.
            let optimizer = try Optimizer(store: store, config: OptimizerConfig(), program: program)
            if let counts { optimizer.updateCounts = counts }
            try optimizer.step(lrFactor: 1, epoch: epoch, gradScale: Float(gradScale))
            counts = optimizer.updateCounts
            // Every gradient is cleared for the next accumulation, whether or not it updated.
            for i in params.indices { if let gp = store.gradPointer(i) { #expect((0..<params[i].count).allSatisfy { gp[$0] == 0 }) } }
            for i in active {
                let step = Double(update - params[i].setting.trainFromEpoch * updatesPerEpoch)
                let lr = params[i].setting.lr
                for j in reference[i].indices {
                    let g = grads[i][j] * factor
                    m[i][j] = Self.beta1 * m[i][j] + (1 - Self.beta1) * g
                    v[i][j] = Self.beta2 * v[i][j] + (1 - Self.beta2) * g * g
                    reference[i][j] *= 1 - lr * params[i].setting.weightDecay
                    let mHat = m[i][j] / (1 - pow(Self.beta1, step)), vHat = v[i][j] / (1 - pow(Self.beta2, step))
                    reference[i][j] -= lr * mHat / (vHat.squareRoot() + Self.eps)
                }
            }
            for i in params.indices {
                let ours = store.values(of: i)
                let worst = zip(ours, reference[i]).map { abs(Double($0) - $1) }.max() ?? 0
                #expect(worst <= 2e-6, "update \(update), \(params[i].path): max difference \(worst) (clip factor \(factor))")
                if let gp = store.gradPointer(i) {
                    #expect((0..<params[i].count).allSatisfy { gp[$0] == 0 }, "gradients are cleared after the update")
                }
            }
        }
        #expect(store.values(of: 3) == reference[3].map(Float.init), "the frozen parameter never moves")
    }
}
