import Foundation
import Synchronization
import Testing

/// `mpirun` around the built `mtstc`, for the data-parallel tests. Open MPI's launcher refuses
/// root without `--allow-run-as-root` and more ranks than cores without `--oversubscribe`; CI
/// runs as root on two cores.
enum MPIRun {
    static let mpirun: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/mpirun") {
            return "\(dir)/mpirun"
        }
        return nil
    }()
    /// `Scripts/test.sh` sets it: there the MPI tests may not skip themselves.
    static let required = ProcessInfo.processInfo.environment["MTSTC_REQUIRE_MPI"] == "1"
    static let available = mpirun != nil || required

    static func arguments(ranks: Int, mca: [String] = [], _ mtstc: [String]) -> [String] {
        ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)"] + mca.flatMap { ["--mca"] + $0.split(separator: " ").map(String.init) }
            + [CLI.binary.path] + mtstc
    }

    /// Runs `mpirun -np ranks mtstc …` and waits (killed after `timeout` seconds).
    static func run(ranks: Int, mca: [String] = [], _ mtstc: [String], timeout: Double = 300) throws -> CLI.Result {
        let launcher = try #require(mpirun, "mpirun is not installed (Scripts/setup-debian.sh installs openmpi-bin)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher)
        process.arguments = arguments(ranks: ranks, mca: mca, mtstc)
        process.currentDirectoryURL = CLI.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let stderrData = Mutex(Data())
        let errReader = err.fileHandleForReading
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stderrData.withLock { $0 = errReader.readDataToEndOfFile() } }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: stderrData.withLock { $0 }, as: UTF8.self))
    }
}
