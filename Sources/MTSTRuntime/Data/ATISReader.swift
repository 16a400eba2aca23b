import Foundation

/// Reads the ATIS slot-filling format, one sentence per line:
/// `word:TAG word:TAG ... <=> intent`. Blank lines are skipped.
public enum ATISReader {
    public static let separator = "<=>"

    static func parse(_ text: TextLines) throws(DataError) -> [Example] {
        var examples: [Example] = []
        for (index, line) in text.lines.enumerated() where !line.isBlank {
            examples.append(try parseLine(line, index: index, in: text))
        }
        return examples
    }

    private static func parseLine(_ line: Substring, index: Int, in text: TextLines) throws(DataError) -> Example {
        func fail(_ reason: String, at part: Substring? = nil) -> DataError {
            let location = part.map { text.location(line: index, of: $0) } ?? text.location(line: index)
            return DataError(.malformed(reason: reason), at: location)
        }
        // The last separator: a word may legitimately be "<=>" (followed by its ":TAG"), an intent may not.
        guard let arrow = line.range(of: separator, options: .backwards) else {
            throw fail("expected 'word:TAG ... \(separator) intent', found no '\(separator)'")
        }
        let intent = line[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
        if intent.isEmpty { throw fail("no intent after '\(separator)'", at: line[arrow]) }
        if intent.contains(where: \.isWhitespace) {
            throw fail("intent '\(intent)' contains a space; join multiple intents with ';'", at: line[arrow.upperBound...])
        }
        let tokens = line[..<arrow.lowerBound].split(whereSeparator: { $0 == " " || $0 == "\t" })
        if tokens.isEmpty { throw fail("no words before '\(separator)'") }

        var words: [String] = []
        var tags: [String] = []
        words.reserveCapacity(tokens.count)
        tags.reserveCapacity(tokens.count)
        for token in tokens {
            // Split at the last colon: words such as times ("8:30") contain colons, tags never do.
            guard let colon = token.lastIndex(of: ":") else {
                throw fail("token '\(token)' has no ':TAG'", at: token)
            }
            let word = token[..<colon], tag = token[token.index(after: colon)...]
            if word.isEmpty { throw fail("token '\(token)' has an empty word", at: token) }
            if tag.isEmpty { throw fail("token '\(token)' has an empty tag", at: token) }
            words.append(String(word))
            tags.append(String(tag))
        }
        return Example(words: words, tags: tags, label: intent, source: text.location(line: index))
    }
}
