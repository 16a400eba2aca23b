/// How `mtstc run` orders the batches of several tasks (a task is one `data.train` source; each
/// batch holds examples of one task). `training.task_sampling` in the spec.
public struct TaskSampling: Codable, Sendable, Equatable {
    public enum Policy: String, Codable, CaseIterable, Sendable {
        /// Every task's batches shuffled together: each example once per epoch.
        case proportional
        /// Tasks take turns, one batch each; a task that runs out drops out: each example once.
        case roundRobin = "round_robin"
        /// Each batch's task drawn with probability ∝ nᵢ^(1/T), as many batches as proportional.
        case temperature
    }

    public var policy: Policy
    /// `temperature` only: T > 0 (1 = proportional to size, large = uniform over tasks).
    public var temperature: Double?

    public init(policy: Policy, temperature: Double? = nil) {
        self.policy = policy
        self.temperature = temperature
    }

    public static let proportional = TaskSampling(policy: .proportional)

    static let keys = ["policy", "temperature"]
}

extension TaskSampling {
    /// `proportional`, `round_robin`, or `{policy: temperature, temperature: 2.0}`.
    static func decode(_ field: Field) throws(SpecError) -> TaskSampling {
        if case .scalar = field.node.value {
            let policy = try field.choice(Policy.self, what: "task sampling policy")
            guard policy != .temperature else {
                throw field.bad("temperature sampling needs its temperature: write {policy: temperature, temperature: 2.0}")
            }
            return TaskSampling(policy: policy)
        }
        let map = try field.map(allowed: keys)
        let policy = try map.required("policy").choice(Policy.self, what: "task sampling policy")
        let t = map.optional("temperature")
        switch (policy, t) {
        case (.temperature, nil):
            throw field.bad("temperature sampling needs temperature: (a number > 0, e.g. 2.0)")
        case (.temperature, let t?):
            return TaskSampling(policy: policy, temperature: try t.positiveDouble())
        case (_, let t?):
            throw t.bad("only the temperature policy takes a temperature")
        case (_, nil):
            return TaskSampling(policy: policy)
        }
    }
}
