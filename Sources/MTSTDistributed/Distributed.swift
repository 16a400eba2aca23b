import Foundation
import MTSTKernels

/// The process's collectives: MPI's when a launcher started it, else the one-process identity.
public enum Distributed {
    /// Starts MPI only under a launcher (`Launcher.detect`); a plain run gets `SingleProcess`
    /// and never touches MPI. Call once per process.
    public static func start(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CollectiveError) -> any Collectives {
        guard Launcher.detect(environment) != nil else { return SingleProcess.shared }
        return try MPICollectives()
    }
}
