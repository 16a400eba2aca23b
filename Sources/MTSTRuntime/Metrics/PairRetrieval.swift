/// Retrieval accuracy@1 of held-out (anchor, positive) pairs: an anchor counts as right when no
/// other pair's positive is more cosine-similar to it than its own (a tie, as between two
/// identical positives, counts as right). What a contrastive head trains the embedding for.
public enum PairRetrieval {
    public static func accuracyAt1(anchors: [[Float]], positives: [[Float]]) -> Accuracy {
        precondition(anchors.count == positives.count, "PairRetrieval: one positive per anchor")
        let a = anchors.map(unit), p = positives.map(unit)
        var correct = 0
        for i in a.indices {
            let own = dot(a[i], p[i])
            if !p.indices.contains(where: { $0 != i && dot(a[i], p[$0]) > own }) { correct += 1 }
        }
        return Accuracy(correct: correct, total: anchors.count)
    }

    private static func dot(_ x: [Float], _ y: [Float]) -> Float {
        var s: Float = 0
        for k in x.indices where k < y.count { s += x[k] * y[k] }
        return s
    }

    private static func unit(_ x: [Float]) -> [Float] {
        let norm = dot(x, x).squareRoot()
        return norm > 0 ? x.map { $0 / norm } : x
    }
}
