import MTSTCompiler

/// One labelled sentence as a JSON-lines record or a CSV/TSV row gives it, before checks: raw
/// `text` or pre-split `tokens`, optional per-word `tags` and sentence `label`. `example`
/// turns it into an `Example`, the same way and with the same messages for every format.
struct LabelledSentence {
    var text: String?
    var tokens: [String]?
    var tags: [String]?
    var label: String?

    /// `names`: the fields' names in the file, for messages.
    func example(names: TextColumns, at: SourceLocation) throws(DataError) -> Example {
        func fail(_ reason: String) -> DataError { DataError(.malformed(reason: reason), at: at) }
        let tagsName = "\"\(names.tags ?? "tags")\""
        let words: [String]
        let unit: String
        if let tokens {
            let name = "\"\(names.tokens ?? "tokens")\""
            if tokens.isEmpty { throw fail("\(name) is empty") }
            if let i = tokens.firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) { throw fail("\(name)[\(i)] is empty or blank") }
            words = tokens
            unit = "token"
        } else {
            let name = "\"\(names.text ?? "text")\""
            words = WordSplitter.words(text ?? "")
            if words.isEmpty { throw fail("\(name) has no words (it is empty or blank)") }
            unit = "word"
        }
        if label == "" { throw fail("\"\(names.label ?? "label")\" is an empty string; leave the key out for no label") }
        if let tags {
            if let i = tags.firstIndex(of: "") { throw fail("\(tagsName)[\(i)] is an empty string") }
            if tags.count != words.count {
                var reason = "\(tags.count) tags for \(words.count) \(unit)s; \(tagsName) needs one tag per \(unit)"
                if tokens == nil {
                    reason += " of the text as mtstc splits it (at spaces and punctuation): " + words.map { "\"\($0)\"" }.joined(separator: " ")
                }
                throw fail(reason)
            }
        }
        return Example(words: words, tags: tags, label: label, source: at)
    }
}
