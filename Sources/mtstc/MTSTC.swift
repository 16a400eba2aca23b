import ArgumentParser
import Foundation
import MTSTCompiler
import MTSTDistributed
import MTSTKernels
import MTSTRuntime

@main
struct MTSTC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mtstc",
        abstract: "The multi-task sentence-transformer compiler: YAML spec → static, fused, arena-planned graph → CPU training and inference.",
        subcommands: [Compile.self, Inspect.self, Run.self, Embed.self, Tokenize.self, Predict.self, Bench.self, CompareCommand.self])

    /// Every error a user can cause becomes one line on stderr and exit status 1; argument errors
    /// keep ArgumentParser's usage message.
    static func main() {
        useFastBLASKernels()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch is PeerStopped {
            // Rank 0 has said why the job stops.
            Distributed.exitAfterError("", rankLocal: false)
        } catch let error as CollectiveError {
            // A rank died or the transport broke: each rank says what it saw.
            Distributed.exitAfterError(error.description.escapingControlCharacters, rankLocal: true)
        } catch let error as UserFacingError {
            // Messages quote user values (keys, labels, paths); escaping keeps each one line.
            Distributed.exitAfterError(error.description.escapingControlCharacters)
        } catch {
            exit(withError: error)
        }
    }

    /// When OpenBLAS fell back to its pre-AVX kernels on a CPU it does not recognise, runs this
    /// same command again with `OPENBLAS_CORETYPE` naming the kernels the CPU can run (see
    /// `BLASCoreType`). Nothing has happened yet: no file opened, no thread started, MPI not
    /// initialised. If the exec fails the command simply goes on with the slow kernels.
    static func useFastBLASKernels() {
        #if os(Linux)
        let env = ProcessInfo.processInfo.environment
        guard let core = BLASCoreType.better(current: BLASCoreType.current, cpuFlags: BLASCoreType.cpuFlags, environment: env)
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        let argv = CommandLine.unsafeArgv
        execv("/proc/self/exe", argv)
        unsetenv("OPENBLAS_CORETYPE")
        #endif
    }
}
