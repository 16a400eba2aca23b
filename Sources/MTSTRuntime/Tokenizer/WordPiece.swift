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
        let matched: Bool = word.withUnsafeBufferPointer { scalars in
            // Hashes of every prefix of the remaining word, computed in one forward pass,
            // so the longest-first probes below do not rehash.
            let longestKey = max(vocabulary.whole.maxKeyLength, vocabulary.continuation.maxKeyLength)
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(1, longestKey)) { prefixHash in
                var start = 0
                while start < scalars.count {
                    let table = start == 0 ? vocabulary.whole : vocabulary.continuation
                    let longest = min(scalars.count - start, table.maxKeyLength)
                    var h = ScalarTable.seed
                    for k in 0..<longest {
                        h = ScalarTable.extend(h, scalars[start + k])
                        prefixHash[k] = h
                    }
                    var end = start + longest
                    var found: Int32? = nil
                    while end > start {
                        let piece = UnsafeBufferPointer(rebasing: scalars[start..<end])
                        if let id = table.lookup(piece, hash: prefixHash[end - start - 1]) {
                            found = id
                            break
                        }
                        end -= 1
                    }
                    guard let id = found else { return false }
                    ids.append(id)
                    start = end
                }
                return true
            }
        }
        if !matched {
            ids.removeSubrange(firstNew...)
            ids.append(vocabulary.unkId)
        }
    }
}
