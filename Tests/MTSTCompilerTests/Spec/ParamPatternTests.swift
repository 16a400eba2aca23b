import Testing
@testable import MTSTCompiler

@Suite struct ParamPatternTests {
    static let cases: [(String, String, Bool)] = [
        ("backbone.embeddings.*", "backbone.embeddings.word_embeddings.weight", true),
        ("backbone.embeddings.*", "backbone.layers[0].attention.query.weight", false),
        ("*", "heads.intent.bias", true),
        ("*.bias", "backbone.layers[3].ffn.output.bias", true),
        ("*.bias", "backbone.layers[3].ffn.output.weight", false),
        ("*norm.*", "backbone.embeddings.norm.weight", true),
        ("*norm.*", "pooling.norm.bias", true),
        ("*norm.*", "backbone.layers[0].attention.query.weight", false),
        ("backbone.layers[4-7].*", "backbone.layers[4].ffn.norm.bias", true),
        ("backbone.layers[4-7].*", "backbone.layers[7].attention.key.weight", true),
        ("backbone.layers[4-7].*", "backbone.layers[3].attention.key.weight", false),
        ("backbone.layers[4-7].*", "backbone.layers[8].attention.key.weight", false),
        ("backbone.layers[4-7].*", "backbone.layers[40].attention.key.weight", false),
        ("backbone.layers[10].*", "backbone.layers[10].ffn.output.bias", true),
        ("backbone.layers[10].*", "backbone.layers[1].ffn.output.bias", false),
        ("backbone.layers[1].*", "backbone.layers[10].ffn.output.bias", false),
        ("backbone.layers[*].*", "backbone.layers[11].ffn.output.bias", true),
        ("backbone.layers[*].*", "backbone.embeddings.norm.bias", false),
        ("backbone.layers[*].attention.?????.weight", "backbone.layers[2].attention.query.weight", true),
        ("backbone.layers[*].attention.?????.weight", "backbone.layers[2].attention.key.weight", false),
        ("*.attention.*", "backbone.layers[0].attention.norm.weight", true),
        ("heads.intent.*", "heads.intent.weight", true),
        ("heads.intent.*", "heads.intent_extra.weight", false),
        ("heads.*", "heads.slots.bias", true),
        ("*[2]*", "backbone.layers[2].ffn.norm.weight", true),
        ("*[2]*", "backbone.layers[12].ffn.norm.weight", false),
        ("heads.intent.weight", "heads.intent.weight", true),
        ("heads.intent.weight", "heads.intent.weights", false),
        ("**.bias", "a.bias", true),
    ]

    @Test(arguments: cases)
    func matching(_ pattern: String, _ path: String, _ expected: Bool) throws {
        #expect(try ParamPattern(pattern).matches(path) == expected)
    }

    @Test func parseErrors() {
        #expect(throws: ParamPatternError("range [4-2] is empty (4 > 2)")) { try ParamPattern("layers[4-2].*") }
        #expect(throws: ParamPatternError("'[' at offset 6 is never closed")) { try ParamPattern("layers[4") }
        #expect(throws: ParamPatternError("']' at offset 8 has no matching '['")) { try ParamPattern("layers.4].*") }
        #expect(throws: ParamPatternError("'[]' is not an index: use [n], [a-b] or [*]")) { try ParamPattern("layers[]") }
        #expect(throws: ParamPatternError("'[a-z]' is not an index: use [n], [a-b] or [*]")) { try ParamPattern("[a-z]") }
        #expect(throws: ParamPatternError("'[1-2-3]' is not an index: use [n], [a-b] or [*]")) { try ParamPattern("x[1-2-3]") }
        #expect(throws: ParamPatternError("'[-3]' is not an index: use [n], [a-b] or [*]")) { try ParamPattern("x[-3]") }
        #expect(throws: ParamPatternError("a pattern cannot be empty")) { try ParamPattern("") }
    }

    @Test func equalityIsByText() throws {
        #expect(try ParamPattern("a.*") == ParamPattern("a.*"))
        #expect(try ParamPattern("a.*").description == "a.*")
    }
}
