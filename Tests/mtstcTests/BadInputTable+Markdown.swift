/// Docs/ERRORS.md, rendered from the table so the document and the tested messages cannot drift.
extension BadInputTable {
    static func markdown() -> String {
        var out = """
            # Error messages

            Every error mtstc reports is one line on stderr, `error: ` followed by the file (and for
            YAML `file:line:column`) and what is wrong, and the exit status is non-zero. Nothing is
            written when a command fails. This page lists the bad inputs the CLI table test
            (`Tests/mtstcTests/BadInputTableTests.swift`) feeds the real binary, the exact line each
            one prints, and what to do about it. It is generated from that table
            (`Tests/mtstcTests/BadInputTable.swift`): to add a case, add a row there and run
            `MTSTC_WRITE_ERRORS_DOC=1 swift test --filter BadInputTableTests`.

            Paths in messages are as the user gave them, relative to the working directory; the
            plan stores absolute paths, so errors raised by `run`, `embed` and `predict` about files
            the plan names show them absolute (`$DIR` below). Spec positions are 1-based.

            Every case starts from a valid 2-layer spec, `spec.yaml`, with its vocabulary and data
            (`Tests/mtstcTests/BadInputFixture.swift`). Unless a row's title says otherwise,
            `p.plan` is what `mtstc compile spec.yaml -o p.plan` writes, and rows about an
            existing run folder `r` start after `mtstc run --graph p.plan --out r`. Rows marked
            *crafted* change one field of the plan's JSON payload and write a fresh SHA-256, as
            someone sharing a plan could: a checksum proves only that the bytes are the ones
            written, so every plan is verified on load.

            """
        for kind in BadInputCase.Kind.allCases {
            let rows = cases.filter { $0.kind == kind }
            guard !rows.isEmpty else { continue }
            out += "\n## \(kind.rawValue)\n\n| input | command | message | what to do |\n|---|---|---|---|\n"
            for row in rows {
                let command = "mtstc " + row.args.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
                out += "| \(cell(row.title)) | \(code(command)) | \(code(row.firstLine)) | \(cell(row.fix)) |\n"
            }
        }
        return out
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }

    /// A code span that survives backticks and pipes inside the text.
    private static func code(_ text: String) -> String {
        let escaped = cell(text)
        return escaped.contains("`") ? "`` \(escaped) ``" : "`\(escaped)`"
    }
}
