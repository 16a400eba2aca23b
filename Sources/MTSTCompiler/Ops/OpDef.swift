/// The declaration of one op: how its output shape follows from its inputs, how to run it, and how
/// to differentiate it. Every `OpKind` has exactly one, listed in `OpTable.swift`.
public protocol OpDef {
    /// Output shape from input shapes, or a `ShapeRuleError` saying what does not fit.
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape
    /// Runs the kernel on resolved pointers and the actual batch and sequence sizes.
    static func run(_ args: KernelArgs)
    /// Gradient contributions, one per input (nil where the input gets none), given the node's
    /// output gradient `dOut`. Built from ordinary ops so they are checked, fused and planned too.
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: NodeID) throws -> [GradientContribution?]
    /// The input whose buffer the output may overwrite, when that input dies here.
    static var inPlaceInput: Int? { get }
    static var isSource: Bool { get }
    static var isDifferentiable: Bool { get }
    static var hasSideEffects: Bool { get }
}

public extension OpDef {
    static var inPlaceInput: Int? { nil }
    static var isSource: Bool { false }
    static var isDifferentiable: Bool { true }
    static var hasSideEffects: Bool { false }
}

/// Ops that only appear in backward graphs: differentiating them again is never needed.
public protocol BackwardOnlyOpDef: OpDef {}

public extension BackwardOnlyOpDef {
    static var isDifferentiable: Bool { false }
    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: NodeID) throws -> [GradientContribution?] {
        throw GraphError.gradient(node: node.name, op: node.kind, message: "backward-only op")
    }
}

/// A gradient for a whole input, or for a column slice of it (the Q, K or V part of a packed QKV).
public enum GradientContribution: Sendable {
    case full(NodeID)
    case columns(NodeID, offset: Int)
}
