import Foundation
import MTSTCompiler
import Testing
@testable import MTSTRuntime

@Suite struct ATISReaderTests {
    @Test func readsFixtureWithColonWordsMultiIntentsCRLFAndBlankLines() throws {
        let path = try DataTestSupport.fixture("data/atis_sample.txt")
        let examples = try DataFormat.atis.read(path: path)
        #expect(examples.count == 3)
        #expect(examples[0].words == ["i", "want", "to", "fly", "from", "baltimore"])
        #expect(examples[0].tags?.last == "B-fromloc.city_name")
        #expect(examples[0].source == SourceLocation(file: path, line: 1, column: 1))
        #expect(examples[1] == Example(
            words: ["flights", "before", "8:30"], tags: ["O", "O", "B-depart_time.time"],
            label: "atis_flight;atis_airfare", source: SourceLocation(file: path, line: 3, column: 1)))
        #expect(examples[2].label == "atis_abbreviation")
    }

    @Test(arguments: [
        ("ok:O <=> a\nno:O separator:O", "f:2:1: expected 'word:TAG ... <=> intent', found no '<=>'"),
        ("show:O flights <=> atis_flight", "f:1:8: token 'flights' has no ':TAG'"),
        ("show:O :O <=> atis_flight", "f:1:8: token ':O' has an empty word"),
        ("show: <=> atis_flight", "f:1:1: token 'show:' has an empty tag"),
        ("  <=> atis_flight", "f:1:1: no words before '<=>'"),
        ("show:O <=>  ", "f:1:8: no intent after '<=>'"),
        ("show:O <=> atis_flight atis_airfare", "f:1:11: intent 'atis_flight atis_airfare' contains a space; join multiple intents with ';'"),
    ])
    func malformedLinesNameFileLineAndColumn(text: String, message: String) {
        let error = #expect(throws: DataError.self) { try DataFormat.atis.parse(text, file: "f") }
        #expect(error?.description == message)
    }

    /// Found by the atis fuzz target: NULs from the line were copied into the message.
    @Test func controlCharactersInAQuotedTokenAreEscaped() {
        let bytes = Data([0, 0, 0, 9, 9, 9, 9, 9] + Array(":_<=>? \n".utf8))
        let error = #expect(throws: DataError.self) { try DataFormat.atis.parse(bytes, file: "f") }
        #expect(error?.description == #"f:1:1: token '\0\0\0' has no ':TAG'"#)
    }

    @Test func missingFileIsReported() {
        #expect(throws: DataError(.fileNotFound, at: SourceLocation(file: "/no/such/train_dev"))) {
            try DataFormat.atis.read(path: "/no/such/train_dev")
        }
    }

    @Test func bytesInMemoryAreCheckedForUTF8AsTheFileIs() throws {
        let good = try DataFormat.atis.parse(Data("a:O <=> x\r\n".utf8), file: "mem")
        #expect(good == [Example(words: ["a"], tags: ["O"], label: "x", source: SourceLocation(file: "mem", line: 1, column: 1))])
        let error = #expect(throws: DataError.self) {
            try DataFormat.atis.parse(Data([0x61, 0x3A, 0x4F, 0x20, 0x3C, 0x3D, 0x3E, 0x20, 0x78, 0x0A, 0x62, 0xFF]), file: "mem")
        }
        #expect(error?.description == "mem:2:1: not valid UTF-8")
    }

    @Test func invalidUTF8NamesTheLine() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let path = directory + "/bad"
            try Data("a:O <=> x\nb\u{FF}:O <=> y\n".utf8.map { $0 == 0xC3 ? 0xFF : $0 }).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: DataError.self) { try DataFormat.atis.read(path: path) }
            #expect(error?.description == "\(path):2:1: not valid UTF-8")
        }
    }
}
