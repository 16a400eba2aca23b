import Foundation

/// Whether this process was started by an MPI launcher, read from the environment the launcher
/// sets, so that a plain `mtstc run` never initialises MPI (no start-up cost, no singleton
/// runtime) and one under `mpirun` always does.
public struct Launcher: Equatable, Sendable {
    /// The variable that gave it away (`OMPI_COMM_WORLD_SIZE`, `PMIX_RANK`, `PMI_SIZE`).
    public let variable: String
    /// Rank and size when the launcher states them; MPI itself is the authority once started.
    public let rank: Int?
    public let size: Int?
    /// Processes of this job on this host, when known (Open MPI states it).
    public let localSize: Int?

    /// Open MPI's `mpirun` sets `OMPI_COMM_WORLD_*`; PMIx-based launchers (Open MPI 4+, Slurm
    /// with PMIx) `PMIX_RANK`; MPICH's Hydra and Intel MPI `PMI_RANK`/`PMI_SIZE`.
    public static func detect(_ env: [String: String]) -> Launcher? {
        func int(_ key: String) -> Int? { env[key].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        if env["OMPI_COMM_WORLD_SIZE"] != nil || env["OMPI_COMM_WORLD_RANK"] != nil {
            return Launcher(variable: "OMPI_COMM_WORLD_SIZE", rank: int("OMPI_COMM_WORLD_RANK"),
                            size: int("OMPI_COMM_WORLD_SIZE"), localSize: int("OMPI_COMM_WORLD_LOCAL_SIZE"))
        }
        if env["PMIX_RANK"] != nil {
            return Launcher(variable: "PMIX_RANK", rank: int("PMIX_RANK"), size: nil, localSize: nil)
        }
        if env["PMI_RANK"] != nil || env["PMI_SIZE"] != nil {
            return Launcher(variable: env["PMI_SIZE"] != nil ? "PMI_SIZE" : "PMI_RANK", rank: int("PMI_RANK"),
                            size: int("PMI_SIZE"), localSize: int("MPI_LOCALNRANKS"))
        }
        return nil
    }
}
