import ArgumentParser
import Foundation
import MTSTCompiler

@main
struct MTSTC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mtstc",
        abstract: "The multi-task sentence-transformer compiler: YAML spec → static, fused, arena-planned graph → CPU training and inference.",
        subcommands: [Compile.self, Inspect.self, Run.self, Embed.self, Tokenize.self, Predict.self, Bench.self, CompareCommand.self])

    /// Every error a user can cause becomes one line on stderr and exit status 1; argument errors
    /// keep ArgumentParser's usage message.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as UserFacingError {
            // Messages quote user values (keys, labels, paths); escaping keeps each one line.
            FileHandle.standardError.write(Data("error: \(error.description.escapingControlCharacters)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
