/// Bad inputs of the data people bring: CSV/TSV columns, raw-text JSON lines, `split:`.
extension BadInputTable {
    static let trainSource = "{format: atis, path: train.txt}"

    static func source(_ replacement: String, _ files: [String: Case.Content] = [:]) -> [String: Case.Content] {
        spec((trainSource, replacement)).merging(files) { a, _ in a }
    }

    static let dataSourceCases: [Case] = [
        Case(kind: .spec, title: "held-out fraction outside (0, 1)", files: source("{format: atis, path: train.txt, split: {holdout: 1.2}}"),
             args: compile, firstLine: "error: spec.yaml:23:59: data.train.split.holdout: the held-out fraction must be between 0 and 1 (exclusive), got 1.2", fix: "Hold out a fraction such as 0.2."),
        Case(kind: .spec, title: "split range that ends before it starts", files: source("{format: atis, path: train.txt, split: {examples: \"3-1\"}}"),
             args: compile, firstLine: "error: spec.yaml:23:60: data.train.split.examples: '3-1' ends before it starts", fix: "Write ranges as first-last, 1-based and inclusive."),
        Case(kind: .spec, title: "eval holdout that overlaps the training part",
             files: spec(("  train: \(trainSource)\n  eval: {format: atis, path: test.txt}",
                          "  train: {format: atis, path: train.txt, split: {holdout: 0.3, seed: 1}}\n  eval: {format: atis, path: train.txt, split: {holdout: 0.3, seed: 2}}")),
             args: compile, firstLine: "error: spec.yaml:24:48: data.eval.split: data.eval would evaluate on examples data.train trains on (train.txt): the holdouts differ (0.3 seed 1 vs 0.3 seed 2), so their parts overlap; use the same holdout and seed on both sides", fix: "Give both sides the same holdout and seed; the eval side reads the held-out part."),
        Case(kind: .spec, title: "columns on a fixed-column format", files: source("{format: atis, path: train.txt, columns: {text: q, label: l}}"),
             args: compile, firstLine: "error: spec.yaml:23:51: data.train.columns: atis files have fixed columns; columns: maps the fields of jsonl, csv, tsv and the pairs formats", fix: "Drop `columns`, or convert the data to csv, tsv or jsonl."),
        Case(kind: .data, title: "split that selects past the end of the file", files: source("{format: atis, path: train.txt, split: {examples: \"2-10\"}}"),
             args: compile, firstLine: "error: spec.yaml:23:49: data.train.split: train.txt: '2-10' is past the end: the file has 3 examples", fix: "Count the file's examples (sentences, not lines) and fix the range."),
        Case(kind: .data, title: "CSV without the mapped column",
             files: source("{format: csv, path: t.csv, columns: {text: sentence, label: intent}}", ["t.csv": .text("text,intent\nshow me flights,atis_flight\n")]),
             args: compile, firstLine: "error: t.csv:1:1: the header has no column \"sentence\" (it has \"text\", \"intent\"); set the data source's columns:", fix: "Name a column the header has in the source's `columns:`."),
        Case(kind: .data, title: "CSV row with more fields than the header",
             files: source("{format: csv, path: t.csv}", ["t.csv": .text("text,label\nflights to boston, please,atis_flight\n")]),
             args: compile, firstLine: "error: t.csv:2:1: 3 fields, but the header has 2; quote a field that holds a comma", fix: "Quote fields that contain commas: \"flights to boston, please\"."),
        Case(kind: .data, title: "CSV quote inside an unquoted field",
             files: source("{format: csv, path: t.csv}", ["t.csv": .text("text,label\nthe \"red eye\" flight,atis_flight\n")]),
             args: compile, firstLine: "error: t.csv:2:1: a quote inside an unquoted field (column 5); quote the whole field and double the quote", fix: "Quote the whole field and double the quotes inside it."),
        Case(kind: .data, title: "raw text whose tags do not match its words",
             files: source("{format: jsonl, path: t.jsonl}", ["t.jsonl": .text(#"{"text": "flights to L.A.", "tags": ["O", "O", "B-x"], "label": "atis_flight"}"# + "\n")]),
             args: compile, firstLine: "error: t.jsonl:1:1: 3 tags for 6 words; \"tags\" needs one tag per word of the text as mtstc splits it (at spaces and punctuation): \"flights\" \"to\" \"L\" \".\" \"A\" \".\"", fix: "Tag every word of the split shown, punctuation included, or give pre-split `tokens`."),
        Case(kind: .data, title: "empty text",
             files: source("{format: tsv, path: t.tsv}", ["t.tsv": .text("text\tlabel\n \tatis_flight\n")]),
             args: compile, firstLine: "error: t.tsv:2:1: \"text\" has no words (it is empty or blank)", fix: "Remove the row or give it text."),
    ]
}
