/// The optimizer algorithm and its hyper-parameters: one type for the spec and the plan. Each
/// method declares the state it keeps per parameter (buffers the size of the parameter, which
/// the runtime allocates, checkpoints and restores by these names) and the op that updates one
/// parameter. Per-parameter learning rates, weight decay and freezing are `ParamSetting`s.
public enum OptimizerMethod: Hashable, Codable, Sendable {
    /// Decoupled weight decay, bias-corrected moments (torch.optim.AdamW).
    case adamw(beta1: Double, beta2: Double, eps: Double)
    /// Stochastic gradient descent with heavy-ball momentum and L2 weight decay added to the
    /// gradient (torch.optim.SGD with dampening 0, nesterov off). Momentum 0 keeps no state.
    case sgd(momentum: Double)

    /// The `optimizer.type` a spec names it by.
    public enum Name: String, Sendable, CaseIterable {
        case adamw, sgd
    }

    public static let adamwDefaults = OptimizerMethod.adamw(beta1: 0.9, beta2: 0.999, eps: 1e-8)

    public var name: Name {
        switch self {
        case .adamw: .adamw
        case .sgd: .sgd
        }
    }

    /// Names of the per-parameter state buffers, in the order the update op reads them.
    public var stateNames: [String] {
        switch self {
        case .adamw: ["m", "v"]
        case .sgd(let momentum): momentum > 0 ? ["velocity"] : []
        }
    }

    /// What memory reports call the state buffers.
    public var stateDescription: String {
        switch self {
        case .adamw: "AdamW moments"
        case .sgd: "SGD velocity"
        }
    }

    /// The op that applies one step to one parameter.
    public var updateOp: OpKind {
        switch self {
        case .adamw: .adamw
        case .sgd: .sgd
        }
    }

    /// `optimizer.weight_decay` when the spec does not give it: AdamW's usual 0.01, and 0 for
    /// SGD, where decay is an L2 term on the gradient (torch's defaults).
    public var defaultWeightDecay: Double {
        switch self {
        case .adamw: 0.01
        case .sgd: 0
        }
    }
}
