import Foundation
import Testing
@testable import MTSTCompiler

/// The data section's keys for data people bring: CSV/TSV columns, `split:`, `name:` and
/// routing to no head. Line numbers refer to `baseYAML` (data starts at line 25).
@Suite struct DataSpecTests {
    func data(_ yaml: String) throws -> DataSpec {
        try #require(try Spec.parse(yaml: baseYAML + "data:\n" + yaml, path: "g/t.yaml").data)
    }

    @Test func splitColumnsNameAndNoHead() throws {
        let d = try data("""
              train:
                - {format: atis, path: atis.txt, tag_head: none}
                - {format: conll, path: ner.txt, name: wnut, split: {holdout: 0.2, seed: 7}}
                - {format: csv, path: t.csv, columns: {text: sentence, label: topic}, label_head: none, split: {examples: "1-10, 21-"}}
              eval:
                - {format: conll, path: ner.txt, name: wnut, split: {holdout: 0.2, seed: 7}}
                - {format: tsv, path: t.csv, columns: {tokens: words, tags: ner}, split: {examples: "11-20"}}
            """)
        #expect(d.train.map(\.tagHead) == [nil, "slots", "slots"])
        #expect(d.train.map(\.labelHead) == ["intent", "intent", nil])
        #expect(d.train.map(\.name) == ["atis", "wnut", "t"])
        #expect(d.train[1].split?.value == .holdout(fraction: 0.2, seed: 7, part: .rest))
        #expect(d.eval[0].split?.value == .holdout(fraction: 0.2, seed: 7, part: .holdout))
        #expect(d.train[2].split?.value == .examples([ExampleRange(first: 1, last: 10), ExampleRange(first: 21, last: nil)]))
        #expect(d.train[2].textColumns == TextColumns(text: "sentence", label: "topic"))
        #expect(d.eval[1].textColumns == TextColumns(tokens: "words", tags: "ner"))
        #expect(d.train[1].ref.split == .holdout(fraction: 0.2, seed: 7, part: .rest) && d.train[1].ref.name == "wnut")
        #expect(DataSource.defaultName(path: "a/b/train_dev") == "train_dev" && DataSource.defaultName(path: ".hidden") == ".hidden")
    }

    @Test(arguments: [
        ("  train: {format: atis, path: a.txt, split: {holdout: 1.5}}",
         "t.yaml:26:55: data.train.split.holdout: the held-out fraction must be between 0 and 1 (exclusive), got 1.5"),
        ("  train: {format: atis, path: a.txt, split: {holdout: 0}}",
         "t.yaml:26:55: data.train.split.holdout: the held-out fraction must be between 0 and 1 (exclusive), got 0.0"),
        ("  train: {format: atis, path: a.txt, split: {holdout: 0.2, part: test}}",
         "t.yaml:26:66: data.train.split.part: unknown split part 'test' (did you mean 'rest'?)"),
        ("  train: {format: atis, path: a.txt, split: {seed: 3}}",
         "t.yaml:26:45: data.train.split: needs holdout (a fraction, with seed and part) or examples (ranges such as \"1-1915\")"),
        ("  train: {format: atis, path: a.txt, split: {examples: \"10-2\"}}",
         "t.yaml:26:56: data.train.split.examples: '10-2' ends before it starts"),
        ("  train: {format: atis, path: a.txt, split: {examples: \"0-5\"}}",
         "t.yaml:26:56: data.train.split.examples: '0-5': examples are numbered from 1"),
        ("  train: {format: atis, path: a.txt, split: {examples: \"1-5, 3-9\"}}",
         "t.yaml:26:56: data.train.split.examples: '3-9' overlaps '1-5'"),
        ("  train: {format: atis, path: a.txt, split: {examples: \"first\"}}",
         "t.yaml:26:56: data.train.split.examples: 'first' is not a range; write first-last (1-based, inclusive), first- or n, separated by commas"),
        ("  train: {format: atis, path: a.txt, split: {examples: \"1-5\", holdout: 0.2}}",
         "t.yaml:26:72: data.train.split.holdout: a split takes either examples or holdout, not both"),
        ("  train: {format: atis, path: a.txt, columns: {text: t, label: l}}",
         "t.yaml:26:47: data.train.columns: atis files have fixed columns; columns: maps the fields of jsonl, csv, tsv and the pairs formats"),
        ("  train: {format: csv, path: a.csv, columns: {text: t, tokens: k, label: l}}",
         "t.yaml:26:64: data.train.columns.tokens: give either text (raw, mtstc splits the words) or tokens (pre-split words), not both"),
        ("  train: {format: csv, path: a.csv, columns: {label: l}}",
         "t.yaml:26:46: data.train.columns: needs text (a raw sentence) or tokens (space-separated words)"),
        ("  train: {format: csv, path: a.csv, columns: {text: t}}",
         "t.yaml:26:46: data.train.columns: needs tags, label or both: a source without either trains no head"),
        ("  train: {format: csv, path: a.csv, columns: {text: t, label: t}}",
         "t.yaml:26:63: data.train.columns.label: names the same column as text ('t')"),
        ("  train: {format: csv, path: a.csv, columns: {txt: t}}",
         "t.yaml:26:47: data.train.columns.txt: unknown key 'txt' (did you mean 'text'?)"),
        ("  train: [{format: atis, path: a/x.txt}, {format: conll, path: b/x.txt}]",
         "t.yaml:26:42: data.train[1]: dataset name 'x' is already used by data.train[0]; give one of them a distinct name:"),
        ("  train: {format: atis, path: a.txt, name: \"\"}",
         "t.yaml:26:44: data.train.name: must be a non-empty, one-line name"),
    ])
    func badKeysPointAtTheirValue(yaml: String, message: String) {
        #expect(specError(baseYAML + "data:\n" + yaml + "\n") == message)
    }

    /// An eval source may not read what a train source of the same file trains on.
    @Test(arguments: [
        ("{format: conll, path: n.txt, split: {holdout: 0.2, seed: 7}}", "{format: conll, path: n.txt, split: {holdout: 0.2, seed: 8}}",
         "t.yaml:27:45: data.eval.split: data.eval would evaluate on examples data.train trains on (n.txt): the holdouts differ (0.2 seed 7 vs 0.2 seed 8), so their parts overlap; use the same holdout and seed on both sides"),
        ("{format: conll, path: n.txt, split: {holdout: 0.2}}", "{format: conll, path: n.txt, split: {holdout: 0.2, part: rest}}",
         "t.yaml:27:45: data.eval.split: data.eval would evaluate on examples data.train trains on (n.txt): both read part rest"),
        ("{format: conll, path: n.txt}", "{format: conll, path: n.txt, split: {holdout: 0.2}}",
         "t.yaml:27:45: data.eval.split: data.eval would evaluate on examples data.train trains on (n.txt): data.train has no split: it trains on the whole file; give it the same split: with the other part"),
        ("{format: conll, path: n.txt, split: {holdout: 0.2}}", "{format: conll, path: n.txt}",
         "t.yaml:26:46: data.train.split: data.eval would evaluate on examples data.train trains on (n.txt): this source has no split: it reads the whole file; give it the same split: with the other part"),
        ("{format: conll, path: n.txt, split: {examples: \"1-100\"}}", "{format: conll, path: n.txt, split: {examples: \"100-\"}}",
         "t.yaml:27:45: data.eval.split: data.eval would evaluate on examples data.train trains on (n.txt): examples '1-100' and '100-' overlap"),
        ("{format: conll, path: n.txt, split: {examples: \"1-100\"}}", "{format: conll, path: n.txt, split: {holdout: 0.5}}",
         "t.yaml:27:45: data.eval.split: data.eval would evaluate on examples data.train trains on (n.txt): one side splits by holdout and the other by examples, so they may overlap; split both sides the same way"),
    ])
    func overlappingSplitsAreErrors(train: String, eval: String, message: String) {
        #expect(specError(baseYAML + "data:\n  train: \(train)\n  eval: \(eval)\n") == message)
    }

    @Test func aHeadNamedNoneIsAmbiguous() {
        let yaml = edited("  slots:\n    type: tagging", "  none:\n    type: tagging") + "data:\n  train: {format: conll, path: n.txt, tag_head: none}\n"
        #expect(specError(yaml) == "t.yaml:26:49: data.train.tag_head: 'none' here means no head, but a head is named 'none'; rename that head")
    }

    @Test func disjointSplitsOfOneFileParse() {
        #expect(specError(baseYAML + "data:\n  train: {format: conll, path: n.txt, split: {examples: \"1-99\"}}\n  eval: {format: conll, path: n.txt, split: {examples: \"100-\"}}\n") == "parsed")
        #expect(specError(baseYAML + "data:\n  train: {format: conll, path: n.txt, split: {holdout: 0.2, seed: 3}}\n  eval: {format: conll, path: n.txt, split: {holdout: 0.2, seed: 3}}\n") == "parsed")
    }
}
