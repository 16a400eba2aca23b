import MTSTCompiler

/// One example as the graph consumes it: word pieces, and per head either a sentence label or
/// one label per piece (−1 where nothing is learned: [CLS], [SEP], continuation pieces, heads the
/// example has no labels for, labels outside the head's vocabulary).
public struct EncodedExample: Sendable {
    public var ids: [Int32]
    /// Position in `ids` of each word's first piece, −1 when truncated away.
    public var firstPiece: [Int]
    /// Per head (plan order): a sentence label, or `ids.count` token labels (none for contrastive heads).
    public var labels: [[Int32]]
    /// A pair's positive (then `ids` is its anchor) and the index of the contrastive head it trains.
    public var positive: [Int32]?
    public var pairHead: Int?
    /// Index of the data source (in `data.train` or `data.eval`) the example was read from: its
    /// task, which decides its batches (`TrainingBatches`) and the heads it is scored on.
    public var task = 0

    /// The sentences this example puts into a batch: one, or two for a pair.
    public var sentenceCount: Int { positive == nil ? 1 : 2 }
}

/// Turns examples into encoded ones for a plan's heads.
public struct ExampleEncoder: Sendable {
    public let heads: [TaskHead]
    public let tokenizer: BertTokenizer
    public let maxLength: Int
    let indices: [[String: Int32]]

    public init(heads: [TaskHead], tokenizer: BertTokenizer, maxLength: Int) {
        self.heads = heads
        self.tokenizer = tokenizer
        self.maxLength = maxLength
        indices = heads.map { h in Dictionary(uniqueKeysWithValues: h.labels.enumerated().map { ($1, Int32($0)) }) }
    }

    /// `route` names the heads that take the example's sentence label and its tags.
    public func encode(_ e: Example, route: (label: String?, tags: String?), pairHead: String? = nil) -> EncodedExample {
        if let pair = e.pair {
            let ids = tokenizer.encode(pair.anchor, maxLength: maxLength)
            let labels = heads.map { h -> [Int32] in
                switch h.kind {
                case .classification: [-1]
                case .tagging: [Int32](repeating: -1, count: ids.count)
                case .contrastive: []
                }
            }
            let head = heads.firstIndex { $0.name == pairHead } ?? heads.firstIndex { $0.kind == .contrastive }
            return EncodedExample(ids: ids, firstPiece: [], labels: labels,
                                  positive: tokenizer.encode(pair.positive, maxLength: maxLength), pairHead: head)
        }
        return encode(words: e.words, label: e.label, tags: e.tags, route: route)
    }

    /// Words with nothing to learn from (prediction): every label is −1.
    public func encode(words: [String]) -> EncodedExample {
        encode(words: words, label: nil, tags: nil, route: (nil, nil))
    }

    func encode(words: [String], label: String?, tags: [String]?, route: (label: String?, tags: String?)) -> EncodedExample {
        let (ids, firstPiece) = tokenizer.encodeWords(words, maxLength: maxLength)
        var labels: [[Int32]] = []
        for (h, head) in heads.enumerated() {
            switch head.kind {
            case .classification:
                let value = head.name == route.label ? label.flatMap { indices[h][$0] } ?? -1 : -1
                labels.append([value])
            case .tagging:
                var values = [Int32](repeating: -1, count: ids.count)
                if head.name == route.tags, let tags {
                    for (w, p) in firstPiece.enumerated() where p >= 0 && w < tags.count {
                        values[p] = indices[h][tags[w]] ?? -1
                    }
                }
                labels.append(values)
            case .contrastive:
                labels.append([])
            }
        }
        return EncodedExample(ids: ids, firstPiece: firstPiece, labels: labels)
    }
}
