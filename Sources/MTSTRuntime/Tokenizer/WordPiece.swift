/// Greedy longest-match-first WordPiece over one basic token, as in Hugging Face's
/// `WordpieceTokenizer`: the first piece is any vocabulary token, later pieces are
/// `##` continuations; a word longer than `maxScalarsPerWord` scalars, or one with a
/// position where nothing matches, becomes a single `[UNK]`.
struct WordPiece: Sendable {
    static let maxScalarsPerWord = 100
    let vocabulary: Vocabulary

    /// Appends the ids of `word`'s pieces to `ids`.
    func appendIDs(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32]) {
        if word.count > Self.maxScalarsPerWord {
            ids.append(vocabulary.unkId)
            return
        }
        let firstNew = ids.count
        let matched = vocabulary.withTables { whole, continuation in
            word.withUnsafeBufferPointer { scalars in
                withUnsafeTemporaryAllocation(
                    of: UInt64.self, capacity: max(1, whole.maxKeyLength, continuation.maxKeyLength)
                ) { prefixHash in
                    var start = 0
                    while start < scalars.count {
                        let match = start == 0
                            ? Self.longestMatch(whole, in: scalars, from: start, prefixHash: prefixHash)
                            : Self.longestMatch(continuation, in: scalars, from: start, prefixHash: prefixHash)
                        guard let (id, end) = match else { return false }
                        ids.append(id)
                        start = end
                    }
                    return true
                }
            }
        }
        if !matched {
            ids.removeSubrange(firstNew...)
            ids.append(vocabulary.unkId)
        }
    }

    /// The longest key of `table` that `scalars[start...]` begins with, and where it ends.
    @inline(__always)
    private static func longestMatch(
        _ table: borrowing ScalarTable, in scalars: UnsafeBufferPointer<Unicode.Scalar>, from start: Int,
        prefixHash: UnsafeMutableBufferPointer<UInt64>
    ) -> (id: Int32, end: Int)? {
        // Hashes of every candidate length, computed in one forward pass so the
        // longest-first probes below do not rehash.
        let longest = min(scalars.count - start, table.maxKeyLength)
        var h = ScalarTable.seed
        for k in 0..<longest {
            h = ScalarTable.extend(h, scalars[start + k])
            prefixHash[k] = h
        }
        var end = start + longest
        while end > start {
            let piece = UnsafeBufferPointer(rebasing: scalars[start..<end])
            if let id = table.lookup(piece, hash: prefixHash[end - start - 1]) { return (id, end) }
            end -= 1
        }
        return nil
    }
}
