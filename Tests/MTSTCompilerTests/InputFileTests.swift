import Foundation
import Testing
@testable import MTSTCompiler

/// Reading user-named files gives the operating system's reason, never a Foundation dump, and
/// never blocks on a pipe or reads past a limit.
struct InputFileTests {
    static func withDirectory(_ body: (String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-input-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir)
    }

    @Test func readsAndExplains() throws {
        try Self.withDirectory { dir in
            try Data("hello".utf8).write(to: URL(fileURLWithPath: dir + "/a.txt"))
            #expect(try InputFile.read(dir + "/a.txt") == Data("hello".utf8))
            #expect(InputFile.problem(dir + "/a.txt") == nil)
            let missing = #expect(throws: InputFile.Failure.self) { try InputFile.read(dir + "/nope") }
            #expect(missing?.reason == "no such file or directory" && missing?.isMissing == true)
            #expect(throws: InputFile.Failure(reason: "it is a directory")) { try InputFile.read(dir) }
            #expect(InputFile.problem(dir) == "it is a directory")
            #expect(throws: InputFile.Failure(reason: "it is 5 bytes, more than the 4 bytes a spec may have")) {
                try InputFile.read(dir + "/a.txt", limit: 4, what: "spec")
            }
            // A FIFO with no writer would block a plain open or read forever.
            #expect(mkfifo(dir + "/fifo", 0o600) == 0)
            #expect(throws: InputFile.Failure(reason: "it is a pipe, not a regular file")) { try InputFile.read(dir + "/fifo") }
            #expect(throws: InputFile.Failure(reason: "it is a device, not a regular file")) { try InputFile.read("/dev/zero") }
        }
    }

    @Test func messagesStayOneLine() {
        #expect("a\nb\0c\u{1B}[31m\u{202E}".escapingControlCharacters == "a\\nb\\0c\\u{1B}[31m\\u{202E}")
        #expect("plain – ümlaut".escapingControlCharacters == "plain – ümlaut")
    }
}
