/// Bad inputs of contrastive heads and their pairs files.
extension BadInputTable {
    static let contrastiveHead = ("training:\n", "  para:\n    type: contrastive\ntraining:\n")
    static let pairsSource = ("  train: {format: atis, path: train.txt}",
                              "  train: [{format: atis, path: train.txt}, {format: pairs_jsonl, path: pairs.jsonl}]")
    static let pairs = #"""
        {"anchor": "show me flights from boston to denver", "positive": "i want a flight from boston to denver"}
        {"anchor": "what is the fare from atlanta to boston", "positive": "how much does a ticket to boston cost"}

        """#

    static func contrastiveSpec(_ edits: (String, String)..., pairsFile: String = pairs) -> [String: Case.Content] {
        ["spec.yaml": .text(fixture.spec([contrastiveHead, pairsSource] + edits)), "pairs.jsonl": .text(pairsFile)]
    }

    static let contrastiveCases: [Case] = [
        Case(kind: .spec, title: "contrastive head with labels", files: contrastiveSpec(("type: contrastive\n", "type: contrastive\n    labels: [a, b]\n")),
             args: compile, firstLine: "error: spec.yaml:21:13: heads.para.labels: a contrastive head has no labels: it trains the sentence embedding from (anchor, positive) pairs, with no classifier", fix: "Drop `labels`: a contrastive head learns from pairs, not classes."),
        Case(kind: .spec, title: "contrastive head with scale 0", files: contrastiveSpec(("type: contrastive\n", "type: contrastive\n    scale: 0\n")),
             args: compile, firstLine: "error: spec.yaml:21:12: heads.para.scale: must be > 0, got 0.0", fix: "Use a positive scale; sentence-transformers' default is 20."),
        Case(kind: .spec, title: "contrastive head with batch size 2", files: contrastiveSpec(("  batch_size: 4", "  batch_size: 2")),
             args: compile, firstLine: "error: spec.yaml:23:15: training.batch_size: 2 is too small for head 'para': a contrastive head needs at least 4: a batch holds batch_size / 2 pairs, and a pair alone has no in-batch negative (its loss is always 0)", fix: "Use training.batch_size ≥ 4; larger batches give each anchor more negatives."),
        Case(kind: .spec, title: "contrastive head without pairs data", files: spec(contrastiveHead),
             args: compile, firstLine: "error: spec.yaml:19:3: heads.para: contrastive head 'para' has no training pairs: add a data.train source with format pairs_jsonl or pairs_csv (pair_head: para)", fix: "Add a `pairs_jsonl` or `pairs_csv` source to data.train."),
        Case(kind: .spec, title: "pairs file but no contrastive head", files: spec(pairsSource).merging(["pairs.jsonl": .text(pairs)]) { $1 },
             args: compile, firstLine: "error: spec.yaml:23:53: data.train[1].format: pairs_jsonl holds sentence pairs, but the spec has no contrastive head to train on them; add one under heads: (type: contrastive)", fix: "Add a head with `type: contrastive`, or remove the pairs source."),
        Case(kind: .spec, title: "label_head on a pairs source",
             files: contrastiveSpec(("path: pairs.jsonl}", "path: pairs.jsonl, label_head: intent}")),
             args: compile, firstLine: "error: spec.yaml:25:97: data.train[1].label_head: a pairs file has no labels; it feeds a contrastive head (pair_head)", fix: "Use `pair_head` for pairs sources."),
        Case(kind: .spec, title: "pairs columns naming one field twice",
             files: contrastiveSpec(("path: pairs.jsonl}", "path: pairs.jsonl, columns: {anchor: q, positive: q}}")),
             args: compile, firstLine: "error: spec.yaml:25:116: data.train[1].columns.positive: names the same column as anchor ('q'); a pair needs two different sentences", fix: "Name two different columns."),
        Case(kind: .data, title: "pairs line without a positive",
             files: contrastiveSpec(pairsFile: #"{"anchor": "show me flights", "answer": "flights please"}"# + "\n"),
             args: compile, firstLine: #"error: pairs.jsonl:1:1: missing "positive" (the line has "anchor", "answer"); set the data source's columns: if the pairs use other keys"#, fix: "Give every line both keys, or map the keys with the source's `columns:`."),
        Case(kind: .data, title: "empty pairs file", files: contrastiveSpec(pairsFile: "\n"),
             args: compile, firstLine: "error: pairs.jsonl: no pairs (the file is empty or blank), so contrastive head para has nothing to train on; check the spec's data.train", fix: "Point the pairs source at a file with pairs."),
        Case(kind: .data, title: "pairs CSV without the named column",
             files: ["spec.yaml": .text(fixture.spec([contrastiveHead, ("  train: {format: atis, path: train.txt}",
                                                                        "  train: [{format: atis, path: train.txt}, {format: pairs_csv, path: pairs.csv, columns: {anchor: question, positive: answer}}]")])),
                     "pairs.csv": .text("question,reply\nshow me flights,flights please\n")],
             args: compile, firstLine: #"error: pairs.csv:1:1: the header has no column "answer" (it has "question", "reply"); set the data source's columns:"#, fix: "Name the CSV's header columns in `columns:`."),
        Case(kind: .data, title: "pairs CSV with an unclosed quote",
             files: ["spec.yaml": .text(fixture.spec([contrastiveHead, ("  train: {format: atis, path: train.txt}",
                                                                        "  train: [{format: atis, path: train.txt}, {format: pairs_csv, path: pairs.csv}]")])),
                     "pairs.csv": .text("anchor,positive\n\"show me flights,flights please\n")],
             args: compile, firstLine: "error: pairs.csv:2:1: a quoted field opened on this line is never closed", fix: "Close the quote (a quoted field may span lines, so the rest of the file was read into it)."),
    ]
}
