import ArgumentParser
import Foundation
import MTSTCompiler
import MTSTRuntime

struct InputError: UserFacingError {
    var description: String
}

/// Sentences from `--input FILE` (one per line, blank lines kept) and/or positional arguments.
struct TextInput: ParsableArguments {
    @Option(name: .long, help: "File with one sentence per line (blank lines are kept as empty sentences).")
    var input: String?

    @Argument(help: "Sentences.")
    var texts: [String] = []

    func sentences() throws -> [String] {
        var result: [String] = []
        if let input {
            // Not InputFile.read: `--input /dev/stdin` and process substitution are pipes.
            guard let data = FileManager.default.contents(atPath: input) else {
                throw InputError(description: "\(input): cannot read input file: \(InputFile.problem(input) ?? "unreadable")")
            }
            result += try TextLines(bytes: data, file: input).lines.map(String.init)
        }
        result += texts
        if result.isEmpty { throw ValidationError("give sentences as arguments or with --input FILE") }
        return result
    }
}
