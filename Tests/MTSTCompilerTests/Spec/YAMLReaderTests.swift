import Testing
@testable import MTSTCompiler

@Suite struct YAMLReaderTests {
    @Test func positionsAreOneBased() throws {
        let node = try YAMLReader.read("a: 1\nb:\n  c: [x, \"y\"]\n", file: "f.yaml")
        guard case .mapping(let top) = node.value else { Issue.record("root is not a mapping"); return }
        #expect(top.map(\.key) == ["a", "b"])
        #expect(top[0].keyLocation == SourceLocation(file: "f.yaml", line: 1, column: 1))
        #expect(top[0].value.location == SourceLocation(file: "f.yaml", line: 1, column: 4))
        guard case .mapping(let inner) = top[1].value.value, case .sequence(let items) = inner[0].value.value else {
            Issue.record("b.c is not a list"); return
        }
        #expect(inner[0].keyLocation == SourceLocation(file: "f.yaml", line: 3, column: 3))
        #expect(items.map(\.location.column) == [7, 10])
        guard case .scalar("x", plain: true) = items[0].value, case .scalar("y", plain: false) = items[1].value else {
            Issue.record("scalar styles lost"); return
        }
    }

    @Test func nullsAndEmptyDocument() throws {
        let node = try YAMLReader.read("a:\nb: ~\nc: null\nd: ''\n", file: "f.yaml")
        guard case .mapping(let entries) = node.value else { Issue.record("not a mapping"); return }
        let kinds = entries.map { entry -> String in
            switch entry.value.value {
            case .null: return "null"
            case .scalar(let text, _): return "scalar(\(text))"
            default: return "other"
            }
        }
        #expect(kinds == ["null", "null", "null", "scalar()"])
        let empty = try YAMLReader.read("# only a comment\n", file: "f.yaml")
        guard case .null = empty.value else { Issue.record("empty document should be null"); return }
    }

    @Test func aliasesExpand() throws {
        let node = try YAMLReader.read("a: &x {k: 1}\nb: *x\n", file: "f.yaml")
        guard case .mapping(let entries) = node.value, case .mapping(let b) = entries[1].value.value else {
            Issue.record("alias not expanded"); return
        }
        #expect(b.map(\.key) == ["k"])
    }

    @Test func syntaxErrorUsesProblemMark() {
        #expect(throws: SpecError.syntax(at: SourceLocation(file: "f.yaml", line: 2, column: 2),
                                         problem: "did not find expected ',' or ']' while parsing a flow sequence started at 1:4")) {
            try YAMLReader.read("a: [1, 2\nb: 3\n", file: "f.yaml")
        }
        let error = #expect(throws: SpecError.self) { try YAMLReader.read("a: b: c\n", file: "f.yaml") }
        #expect(error?.description == "f.yaml:1:5: YAML syntax error: mapping values are not allowed in this context")
    }

    @Test func duplicateKeysAreErrors() {
        let error = #expect(throws: SpecError.self) { try YAMLReader.read("a:\n  b: 1\n  b: 2\n", file: "f.yaml") }
        #expect(error?.description == "f.yaml:3:3: a.b: duplicate key, first given at 2:3")
    }

    @Test func secondDocumentIsAnError() {
        let error = #expect(throws: SpecError.self) { try YAMLReader.read("a: 1\n---\nb: 2\n", file: "f.yaml") }
        #expect(error?.description == "f.yaml:2:1: YAML syntax error: a spec is one YAML document, found a second one")
    }

    /// Each limit names itself: document size, node count, alias expansion, nesting depth.
    @Test func limitsSayWhichLimit() {
        let big = String(repeating: "#", count: YAMLReader.maxBytes) + "\n"
        #expect((#expect(throws: SpecError.self) { try YAMLReader.read(big, file: "f.yaml") })?.description ==
            "f.yaml:1:1: YAML syntax error: the document is \(YAMLReader.maxBytes + 1) bytes, more than the \(YAMLReader.maxBytes) a spec may have")
        let list = "a:\n" + String(repeating: "- 1\n", count: YAMLReader.maxNodes)
        #expect((#expect(throws: SpecError.self) { try YAMLReader.read(list, file: "f.yaml") })?.description ==
            "f.yaml:200001:3: YAML syntax error: the document has 200003 YAML nodes, more than the 200000 a spec may have")
        var laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (name, previous) in zip(["b", "c", "d", "e", "f"], ["a", "b", "c", "d", "e"]) {
            laughs += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        let expanded = #expect(throws: SpecError.self) { try YAMLReader.read(laughs, file: "f.yaml") }
        #expect(expanded?.description.hasSuffix("YAML syntax error: expanding aliases gives more than 200000 YAML nodes, the most a spec may have; an alias is repeated too often") == true)
        let deep = "a: " + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "\n"
        #expect((#expect(throws: SpecError.self) { try YAMLReader.read(deep, file: "f.yaml") })?.description ==
            "f.yaml:1:259: YAML syntax error: values are nested more than 256 levels deep, the most a spec may have")
        // Just inside the limits parses.
        #expect(throws: Never.self) { try YAMLReader.read("a:\n" + String(repeating: "- 1\n", count: 1000), file: "f.yaml") }
    }

    @Test func nonScalarKeysAreErrors() {
        let error = #expect(throws: SpecError.self) { try YAMLReader.read("? [a, b]\n: 1\n", file: "f.yaml") }
        #expect(error?.description == "f.yaml:1:3: YAML syntax error: mapping keys must be plain words, not lists or mappings")
    }
}
