/// Where every parameter lives in the runtime's buffers: values of all root parameters one after
/// the other (each padded to 16 floats, so every tensor starts 64-byte aligned), slices inside
/// their root, and gradients and AdamW moments for the roots that train. `ParamStore` allocates
/// from this layout and `MemoryEstimate` sizes it, so the prediction and the allocation agree.
public struct ParamLayout: Sendable, Equatable {
    /// Element offset of every parameter in the value buffer.
    public var offsets: [Int]
    /// Element offset of every trainable root in the gradient and moment buffers; -1 otherwise.
    public var trainOffsets: [Int]
    /// Floats of the value buffer and of each of the gradient, first- and second-moment buffers.
    public var values: Int
    public var trainable: Int

    static let padding = 16

    /// The floats a tensor of `count` elements takes in the buffers, padding included.
    static func padded(_ count: Int) -> Int { (count + padding - 1) / padding * padding }

    /// Nil when a size overflows. Expects a table whose slices point at roots (the plan verifier
    /// checks that first for plans read from files).
    public init?(params: [ParamEntry]) {
        var offsets = Array(repeating: 0, count: params.count)
        var trainOffsets = Array(repeating: -1, count: params.count)
        var values = 0, trainable = 0
        for (i, p) in params.enumerated() where p.sliceOf == nil {
            guard let count = p.checkedCount, let padded = SizeMath.roundUp(count, to: Self.padding) else { return nil }
            offsets[i] = values
            guard let next = SizeMath.add(values, padded) else { return nil }
            values = next
            if p.trains {
                trainOffsets[i] = trainable
                guard let next = SizeMath.add(trainable, padded) else { return nil }
                trainable = next
            }
        }
        for (i, p) in params.enumerated() {
            guard let root = p.sliceOf else { continue }
            guard params.indices.contains(root), let offset = SizeMath.add(offsets[root], p.sliceOffset) else { return nil }
            offsets[i] = offset
        }
        self.offsets = offsets
        self.trainOffsets = trainOffsets
        self.values = values
        self.trainable = trainable
    }
}
