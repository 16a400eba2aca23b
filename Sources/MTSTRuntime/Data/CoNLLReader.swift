/// Reads CoNLL-style token files: one `token TAG` per line (the tag is the last column),
/// sentences separated by blank or whitespace-only lines, `-DOCSTART-` lines ignored.
/// When a line holds a TAB, columns are TAB-separated (so tokens may contain spaces);
/// otherwise they are space-separated. WNUT-16 uses `token<TAB>tag` and a lone TAB between sentences.
public enum CoNLLReader {
    public static let documentStart = "-DOCSTART-"

    static func parse(_ text: TextLines) throws(DataError) -> [Example] {
        var examples: [Example] = []
        var words: [String] = []
        var tags: [String] = []
        var firstLine = 0

        func finishSentence() {
            if !words.isEmpty {
                examples.append(Example(words: words, tags: tags, label: nil, source: text.location(line: firstLine)))
            }
            words.removeAll(keepingCapacity: true)
            tags.removeAll(keepingCapacity: true)
        }

        for (index, line) in text.lines.enumerated() {
            if line.isBlank || line.hasPrefix(documentStart) {
                finishSentence()
                continue
            }
            let separator: Character = line.contains("\t") ? "\t" : " "
            let columns = line.split(separator: separator).map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            guard columns.count >= 2, let token = columns.first, let tag = columns.last else {
                let reason = "expected a token and a tag separated by a tab or space, found '\(line.trimmingSpaces())'"
                throw DataError(.malformed(reason: reason), at: text.location(line: index))
            }
            if words.isEmpty { firstLine = index }
            words.append(String(token))
            tags.append(String(tag))
        }
        finishSentence()
        return examples
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first ... last]
    }
}
