/// "Did you mean" for unknown keys and names: the closest candidate by edit distance, if it
/// is close enough to be a plausible typo rather than a different word.
enum Suggestion {
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let allowed = max(1, min(word.count, best.0.count) / 3)
        return best.1 <= allowed ? best.0 : nil
    }

    /// Hint text for an unknown key or name.
    static func hint(_ word: String, in candidates: [String]) -> String {
        if let near = nearest(word, in: candidates) { return "did you mean '\(near)'?" }
        if candidates.isEmpty { return "nothing is allowed here" }
        return "expected one of: " + candidates.joined(separator: ", ")
    }

    /// Levenshtein distance with transpositions counted as one edit.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { table[i][0] = i }
        for j in 0...y.count { table[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    best = min(best, table[i - 2][j - 2] + 1)
                }
                table[i][j] = best
            }
        }
        return table[x.count][y.count]
    }
}
