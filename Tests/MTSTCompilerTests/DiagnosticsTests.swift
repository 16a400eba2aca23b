import Testing
@testable import MTSTCompiler

@Suite struct DiagnosticsTests {
    @Test func escapingLeavesPrintableTextAndWritesControlCharactersAsEscapes() {
        #expect("plain text, ünïcode, 'quotes' and \\ backslashes".escapingControlCharacters
            == "plain text, ünïcode, 'quotes' and \\ backslashes")
        #expect("a\nb\r\nc\0d\te".escapingControlCharacters == #"a\nb\r\nc\0d\te"#)
        #expect("bell\u{7}del\u{7F}nel\u{85}esc\u{1B}[2Jbom\u{FEFF}".escapingControlCharacters
            == #"bell\u{7}del\u{7F}nel\u{85}esc\u{1B}[2Jbom\u{FEFF}"#)
    }
}
