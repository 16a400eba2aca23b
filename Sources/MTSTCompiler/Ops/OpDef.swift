/// The declaration of one op: how its output shape follows from its inputs, how to run it, how
/// to differentiate it, and every property the passes, the planner and the executor ask about.
/// Every `OpKind` has exactly one, listed in `OpTable.swift`; nothing outside `Ops/` switches
/// over op kinds.
public protocol OpDef {
    /// The attribute payload the op reads; `Graph.inferShape` rejects any other.
    static var attributes: Attributes.Case { get }
    /// Output shape from input shapes, or a `ShapeRuleError` saying what does not fit.
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape
    /// Shapes of the outputs after the first (LayerNorm's row mean and reciprocal deviation),
    /// each with its own arena slot. Only called once `shape` accepted the inputs.
    static func extraOutputs(_ inputs: [Shape], _ attrs: Attributes) -> [Shape]
    /// Runs the kernel on resolved pointers and the actual batch and sequence sizes.
    static func run(_ args: KernelArgs)
    /// Gradient contributions, one per input (nil where the input gets none), given the node's
    /// output gradient `dOut`. Built from ordinary ops so they are checked, fused and planned too.
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?]
    /// The input whose buffer the output may overwrite, when that input dies here.
    static var inPlaceInput: Int? { get }
    /// Has no inputs and computes nothing each step: its value is fed, stored or filled.
    static var isSource: Bool { get }
    /// The executor calls `run` every step (true for every non-source, and for `constant`).
    static var runsKernel: Bool { get }
    /// Fed by the runtime before a run; its slot stays valid across runs.
    static var isFedByRuntime: Bool { get }
    static var isDifferentiable: Bool { get }
    /// Only the quantized inference program may hold it: autodiff refuses to differentiate through it.
    static var isInferenceOnly: Bool { get }
    /// Writes somewhere other than its own value (a gradient buffer, weights, moments).
    static var hasSideEffects: Bool { get }
    /// Where the output lives: an arena slot, or a buffer of the parameter store.
    static var storage: OpStorage { get }
    /// Can add its value straight into a parameter's gradient buffer instead of writing a slot
    /// (`FuseGradAccumulatePass` sets `Node.accumulatesInto`); the kernel then accumulates.
    static var canAccumulateIntoGradient: Bool { get }
    /// Its two inputs may be swapped (fusion patterns match either order).
    static var isCommutative: Bool { get }
    /// The forward parameters that gradients flow to.
    static var isParameter: Bool { get }
    /// Moves data between ranks instead of computing (`CommunicationOps.swift`): not counted
    /// as an op of the model.
    static var isCommunication: Bool { get }
    /// A loss that is a mean over labelled rows or sentences (input 1 holds the labels); its
    /// gradient ops read the same count through `KernelArgs.lossDenominator`.
    static var isMeanOverLabels: Bool { get }
    /// For such a loss: how many rows (or sentences) of this batch it divides by. Data
    /// parallelism sums these over the ranks and passes the total back as
    /// `KernelArgs.lossDenominator`, so each rank divides by the global batch's count.
    static func labelCount(_ args: KernelArgs) -> Int
}

public extension OpDef {
    static var attributes: Attributes.Case { .none }
    static func extraOutputs(_ inputs: [Shape], _ attrs: Attributes) -> [Shape] { [] }
    static var inPlaceInput: Int? { nil }
    static var isSource: Bool { false }
    static var runsKernel: Bool { !isSource }
    static var isFedByRuntime: Bool { false }
    static var isDifferentiable: Bool { true }
    static var isInferenceOnly: Bool { false }
    static var hasSideEffects: Bool { false }
    static var storage: OpStorage { .arena }
    static var canAccumulateIntoGradient: Bool { false }
    static var isParameter: Bool { false }
    static var isCommutative: Bool { false }
    static var isCommunication: Bool { false }
    static var isMeanOverLabels: Bool { false }
    static func labelCount(_ args: KernelArgs) -> Int { 0 }
}

/// Where an op's output lives.
public enum OpStorage: Equatable, Sendable {
    /// A slot in the arena (or nothing, when the op's shape is `.none`).
    case arena
    /// A buffer of the parameter store for the node's parameter; the shape comes from the table.
    case store(StoreBuffer)
    /// Adds into the node's parameter's gradient buffer; has no value of its own.
    case gradientBuffer
}

public enum StoreBuffer: Equatable, Sendable {
    case weights, gradients
    /// One of the optimizer method's per-parameter state buffers; which one is the node's
    /// `OptimizerAttributes.stateSlot`.
    case optimizerState
}

/// Ops that only appear in backward graphs: differentiating them again is never needed.
public protocol BackwardOnlyOpDef: OpDef {}

public extension BackwardOnlyOpDef {
    static var isDifferentiable: Bool { false }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        throw GraphError.gradient(node: node.name, op: node.kind, message: "backward-only op")
    }
}

/// A gradient for a whole input, or for a column slice of it (the Q, K or V part of a packed QKV).
public enum GradientContribution: Sendable {
    case full(ValueRef)
    case columns(ValueRef, offset: Int)
}
