import Foundation
import MTSTKernels

/// The process's collectives: MPI's when a launcher started it, else the one-process identity.
public enum Distributed {
    /// The MPI collectives once started; nil in a plain process. Set once, from the main thread.
    public nonisolated(unsafe) private(set) static var mpi: MPICollectives?

    /// Starts MPI only under a launcher (`Launcher.detect`); a plain run gets `SingleProcess`
    /// and never touches MPI. Call once per process.
    public static func start(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CollectiveError) -> any Collectives {
        guard Launcher.detect(environment) != nil else { return SingleProcess.shared }
        if let mpi { return mpi }
        let c = try MPICollectives()
        mpi = c
        return c
    }

    /// Ends the process after an error. Under MPI it skips `MPI_Finalize`, which waits for every
    /// rank and would hang while another rank sits in a collective: the launcher sees the exit
    /// and ends the job. Only rank 0 reports errors that every rank meets alike (`rankLocal`
    /// false), so a bad input gives one line, not one per rank.
    public static func exitAfterError(_ message: String, rankLocal: Bool = false) -> Never {
        if let mpi {
            if mpi.rank == 0 || rankLocal {
                let prefix = mpi.rank == 0 ? "" : "rank \(mpi.rank) of \(mpi.size): "
                FileHandle.standardError.write(Data("error: \(prefix)\(message)\n".utf8))
            }
            fflush(nil)
            _exit(1)
        }
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        exit(1)
    }
}
