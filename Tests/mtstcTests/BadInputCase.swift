import Foundation
import Testing

/// One bad input for the CLI table test and for Docs/ERRORS.md: the files it needs beside the
/// fixture's, commands that must succeed first, the command that must fail, the exact first line
/// it prints on stderr and what a user should do about it. Paths are relative to the case's
/// temporary folder, which is the working directory; `$DIR` in an expected line stands for it.
struct BadInputCase: Sendable, CustomTestStringConvertible {
    enum Kind: String, Sendable, CaseIterable {
        case spec = "Spec files"
        case rules = "Optimizer settings and rules"
        case vocabulary = "Vocabularies"
        case weights = "Weight files"
        case data = "Data files"
        case plan = "Plan files"
        case sizes = "Sizes and memory limits"
        case outputs = "Output paths and run folders"
        case numerics = "NaN and infinity"
        case arguments = "Command-line arguments"
    }

    enum Content: Sendable {
        case text(String)
        case bytes([UInt8])
        case directory
        /// A file of the repository, by its path from the root.
        case copy(String)
        case absent
        /// A symbolic link to the given path.
        case symlink(String)
        /// A named pipe: a command that opened it to write would block, so a hang is a failure.
        case fifo
    }

    /// What happens before the command under test: an mtstc command that must succeed, a file
    /// replaced by another (an input changing after compile), or a file's bytes changed (a
    /// crafted plan, a damaged or poisoned file) and written back or under a new name.
    enum Step: Sendable {
        case mtstc([String])
        case copy(String, to: String)
        case edit(String, BadInputEdit, to: String? = nil)
    }

    var kind: Kind
    var title: String
    var files: [String: Content] = [:]
    var setup: [Step] = []
    var args: [String]
    var firstLine: String
    var fix: String

    var testDescription: String { "\(kind.rawValue): \(title)" }
}
