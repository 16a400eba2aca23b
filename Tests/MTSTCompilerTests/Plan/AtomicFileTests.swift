import Foundation
import Testing
@testable import MTSTCompiler

/// Only regular files are replaced, and a failed write leaves the old file and no temporary.
struct AtomicFileTests {
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func entries(_ dir: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir).sorted() }

    @Test func replacesARegularFileAndCreatesAMissingOne() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write(Array("one".utf8), to: dir + "/f")
        try AtomicFile.write(Array("two".utf8), to: dir + "/f")
        #expect(try String(contentsOfFile: dir + "/f", encoding: .utf8) == "two")
        #expect(try entries(dir) == ["f"])
    }

    @Test func refusesSymlinksFIFOsAndDirectories() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "target".write(toFile: dir + "/target", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/target")
        #expect(mkfifo(dir + "/fifo", 0o644) == 0)
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: false)
        for (name, kind) in [("link", "a symbolic link"), ("fifo", "a FIFO"), ("sub", "a directory")] {
            #expect(throws: AtomicFileError(path: dir + "/" + name, reason: "\(kind) is in the way; only a regular file is ever replaced")) {
                try AtomicFile.write(Array("x".utf8), to: dir + "/" + name)
            }
        }
        #expect(FileKind.of(dir + "/link") == .symlink && FileKind.of(dir + "/fifo") == .fifo)
        #expect(try String(contentsOfFile: dir + "/target", encoding: .utf8) == "target")
        #expect(try entries(dir) == ["fifo", "link", "sub", "target"])
    }

    @Test func aFailingWriterLeavesTheOldFile() throws {
        struct Boom: Error {}
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write(Array("old".utf8), to: dir + "/f")
        #expect(throws: AtomicFileError.self) {
            try AtomicFile.write(path: dir + "/f") { handle in
                try handle.write(contentsOf: Array("half".utf8))
                throw Boom()
            }
        }
        #expect(try String(contentsOfFile: dir + "/f", encoding: .utf8) == "old")
        #expect(try entries(dir) == ["f"])
    }

    @Test func publishGivesAFileASecondNameAtomically() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write(Array("v1".utf8), to: dir + "/a")
        try AtomicFile.write(Array("old view".utf8), to: dir + "/view")
        try AtomicFile.publish(dir + "/a", as: dir + "/view")
        #expect(try String(contentsOfFile: dir + "/view", encoding: .utf8) == "v1")
        try FileManager.default.removeItem(atPath: dir + "/a")
        #expect(try String(contentsOfFile: dir + "/view", encoding: .utf8) == "v1")
        #expect(try entries(dir) == ["view"])
    }
}
