/// Bad inputs of `mtstc compare`: its --out folder, specs that clash, and runs it cannot continue.
extension BadInputTable {
    static let compareOnce: [Case.Step] = [.mtstc(["compare", "spec.yaml", "--epochs", "1", "--out", "cmp"])]

    static let compareCases: [Case] = [
        Case(kind: .outputs, title: "compare --out holding other files", files: ["notes.txt": .text("mine")],
             args: ["compare", "spec.yaml", "--out", "."],
             firstLine: "error: .: holds 'notes.txt', which mtstc compare did not write; choose an empty or new --out",
             fix: "Give `--out` a new or empty folder; compare only ever reuses a folder it wrote."),
        Case(kind: .outputs, title: "compare --out is a file", files: ["cmp": .text("x")],
             args: ["compare", "spec.yaml", "--out", "cmp"],
             firstLine: "error: cmp: a regular file is in the way; --out must name a folder",
             fix: "Name a folder (it is created if absent)."),
        Case(kind: .spec, title: "compare a spec without training data",
             files: ["infer.yaml": .text(fixture.spec([("data:\n  train: {format: atis, path: train.txt}\n  eval: {format: atis, path: test.txt}\n", "")]))],
             args: ["compare", "spec.yaml", "infer.yaml", "--out", "cmp"],
             firstLine: "error: infer.yaml: the spec has no data.train, so there is nothing to compare",
             fix: "Give every compared spec a `data.train` source; compare trains each one."),
        Case(kind: .arguments, title: "compare: two specs with the same file name",
             args: ["compare", "spec.yaml", "./spec.yaml", "--out", "cmp"],
             firstLine: "error: spec.yaml and ./spec.yaml would both write into cmp/spec; give the spec files different names",
             fix: "Each spec's run folder is named after its file: rename one of them."),
        Case(kind: .outputs, title: "compare after the spec changed",
             files: ["changed.yaml": .text(fixture.spec([("name: t\n", "name: t2\n")]))],
             setup: compareOnce + [.copy("changed.yaml", to: "spec.yaml")],
             args: ["compare", "spec.yaml", "--epochs", "2", "--out", "cmp"],
             firstLine: "error: spec.yaml: compiles to a different plan than the one cmp/spec/run was trained with (the spec or a file it names changed); remove cmp/spec to retrain it, or compare into another --out",
             fix: "Remove that strategy's folder to retrain it from the new spec, or compare into a new folder."),
        Case(kind: .outputs, title: "compare with another --limit than its runs",
             setup: compareOnce, args: ["compare", "spec.yaml", "--epochs", "1", "--limit", "2", "--out", "cmp"],
             firstLine: "error: cmp/spec/run: was trained with the full data, not --limit 2; use the same --limit, or compare into another --out",
             fix: "Repeat the --limit the runs were trained with, or compare into a new folder."),
    ]
}
