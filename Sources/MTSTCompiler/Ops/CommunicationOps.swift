import MTSTKernels

/// The gradient all-reduce of one bucket, split in two nodes so the transport works while the
/// backward pass goes on: `allReduceStart` right after the last node that writes a gradient of
/// the bucket, `allReduceWait` before anything reads them (the end of the training program,
/// ahead of the update program). Their inputs are the bucket's `gradient` buffers, in the order
/// the backward pass finishes them; `GradientBucketPass` places them and `PlanVerifier` checks
/// the placement. Communication only: they are inserted after differentiation and have no
/// gradient rule. The kernels call the model's `GradientSync` (`KernelArgs.gradientSync`),
/// which does nothing with one rank.
protocol CommunicationOpDef: BackwardOnlyOpDef {}

extension CommunicationOpDef {
    static var attributes: Attributes.Case { .bucket }
    static var hasSideEffects: Bool { true }
    static var isCommunication: Bool { true }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        guard !inputs.isEmpty else { throw ShapeRuleError("expects the bucket's gradient buffers, got none") }
        guard let b = attrs.bucket, b >= 0 else { throw ShapeRuleError("bucket index must be ≥ 0") }
        for s in inputs where s.isNone || !s.dims.allSatisfy(\.isConstant) {
            throw ShapeRuleError("a gradient buffer has a fixed shape, got \(s)")
        }
        return .none
    }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        throw GraphError.gradient(node: node.name, op: node.kind,
                                  message: "a communication op moves gradients after the backward pass and has no gradient of its own")
    }
}

/// Starts summing the bucket's gradient buffers across ranks (non-blocking).
enum AllReduceStartOp: CommunicationOpDef {
    static func run(_ a: KernelArgs) {
        guard let sync = a.gradientSync, sync.isActive else { return }
        // Each buffer with its padding (zeros nothing writes), so neighbours join into one message.
        let ranges = a.inputs.indices.map { (a.inputs[$0], ParamLayout.padded(a.count($0))) }
        sync.start(bucket: a.attr(\.bucket), ranges: ranges)
    }
}

/// Completes the bucket's all-reduce: afterwards its gradients are the sums over all ranks.
enum AllReduceWaitOp: CommunicationOpDef {
    static func run(_ a: KernelArgs) {
        guard let sync = a.gradientSync else { return }
        sync.wait(bucket: a.attr(\.bucket))
    }
}
