import Foundation

/// Layer-wise learning-rate decay: the top of the backbone learns fastest, each layer below
/// a factor `decay` slower, so pre-trained low-level features move least.
/// Backbone layer i (0-based) of L gets base·decay^(L−i); the embeddings, one step below
/// layer 0, base·decay^(L+1); heads and pooling get base.
public struct LayerwiseDecay: Sendable, Equatable {
    public var base: Double
    public var decay: Double

    public init(base: Double, decay: Double) {
        self.base = base
        self.decay = decay
    }

    public func lr(layer: Int?, isEmbedding: Bool, numLayers: Int) -> Double {
        if isEmbedding { return base * pow(decay, Double(numLayers + 1)) }
        guard let layer else { return base }
        return base * pow(decay, Double(numLayers - layer))
    }
}
