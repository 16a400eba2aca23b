import Foundation
import MTSTCompiler

/// One libFuzzer target: the bytes go to one reader, which must accept or reject them without
/// crashing, hanging, leaking into other memory or breaking the invariants checked below.
struct FuzzTarget: Sendable {
    let name: String
    /// What the target drives, for `mtstc-fuzz` without a target and for the docs.
    let covers: String
    let run: @Sendable (Data) -> Void
    /// Seeds made by the current code (file name → bytes), for inputs whose format changes with
    /// it: `Scripts/fuzz.sh` writes them to a seed directory beside the ones in git.
    var seeds: @Sendable () -> [String: Data] = { [:] }

    static let all: [FuzzTarget] = [
        .spec, .compile, .plan, .safetensors, .vocabulary, .tokenizer,
        .dataset(.atis), .dataset(.conll), .dataset(.jsonl), .dataset(.csv), .dataset(.tsv),
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// Set once by `main` before libFuzzer starts calling back.
    nonisolated(unsafe) static var selected: FuzzTarget?
}

/// The fuzzed code broke a promise: say which (an -O build drops precondition messages) and
/// abort, so libFuzzer saves the input as a reproducer.
func violated(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fuzz invariant violated: \(message)\n".utf8))
    abort()
}

/// A rejection must be a typed, one-line error that names the file it is about, as the CLI prints it.
func checkRejection(_ error: any Error, file: String) {
    guard let error = error as? any UserFacingError else {
        violated("\(type(of: error)) is not a UserFacingError: \(error)")
    }
    let message = error.description
    // A line break or control character copied from the input would split the message or move
    // the terminal's cursor; tabs are harmless.
    if message.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) {
        violated("message is not one clean line: \(message.debugDescription)")
    }
    if !message.hasPrefix(file) { violated("message does not start with the file \(file): \(message)") }
}

/// Reads an optional switch such as `MTSTC_FUZZ_PLAN_RUN=1`.
func environmentFlag(_ name: String) -> Bool {
    ProcessInfo.processInfo.environment[name].map { $0 == "1" || $0 == "yes" || $0 == "true" } ?? false
}

/// Repository files the targets need (the tiny vocabulary, the tiny data set); `fuzz.sh` runs
/// from the repository root, `MTSTC_FUZZ_ROOT` overrides.
let repositoryRoot = ProcessInfo.processInfo.environment["MTSTC_FUZZ_ROOT"] ?? FileManager.default.currentDirectoryPath
