import Testing
@testable import MTSTCompiler

@Suite struct DiagnosticsTests {
    @Test func oneLineEscapesLineBreaksAndControlCharactersOnly() {
        #expect("plain text, ünïcode and\ttabs".oneLine == "plain text, ünïcode and\ttabs")
        #expect("a\nb\r\nc\0d".oneLine == #"a\nb\r\nc\0d"#)
        #expect("bell\u{7}del\u{7F}nel\u{85}ls\u{2028}ps\u{2029}esc\u{1B}[2J".oneLine
            == #"bell\u{7}del\u{7F}nel\u{85}ls\u{2028}ps\u{2029}esc\u{1B}[2J"#)
    }
}
