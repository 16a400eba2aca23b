import Foundation
import Synchronization

/// How many threads the kernels use: the worker pool's size, the calling thread included. GEMMs
/// are split into that many blocks, each a single-threaded BLAS call. The count is chosen once,
/// before the first kernel runs (`mtstc --threads N`), because the pool starts its workers then
/// and the split of every GEMM (so the last bits of results) follows it.
public enum ComputeThreads {
    /// More threads than this is a typo, not a machine.
    public static let maximum = 1024

    /// Cores this process may run on: its CPU affinity, so `taskset` and mpirun's binding of a
    /// rank to its cores are honoured (Foundation's `activeProcessorCount` counts the machine's).
    public static var cores: Int {
        #if os(Linux)
        // glibc declares sched_getaffinity only under _GNU_SOURCE, which Swift's Glibc module
        // does not set; the symbol is there all the same.
        typealias GetAffinity = @convention(c) (Int32, Int, UnsafeMutableRawPointer) -> Int32
        if let sym = dlsym(dlopen(nil, RTLD_NOW), "sched_getaffinity") {
            var mask = [UInt64](repeating: 0, count: 16)  // 1024 CPUs, glibc's cpu_set_t
            let ok = mask.withUnsafeMutableBytes { unsafeBitCast(sym, to: GetAffinity.self)(0, $0.count, $0.baseAddress!) } == 0
            let n = mask.reduce(0) { $0 + $1.nonzeroBitCount }
            if ok, n > 0 { return n }
        }
        #endif
        return hostCores
    }

    /// Cores of the machine, whatever this process is bound to.
    public static var hostCores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Ranks the launcher started on this host: Open MPI's `OMPI_COMM_WORLD_LOCAL_SIZE` under
    /// `mpirun`, else 1.
    public static func localRanks(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        guard let text = environment["OMPI_COMM_WORLD_LOCAL_SIZE"], let n = Int(text), n >= 1 else { return 1 }
        return n
    }

    /// The count when none is set: the host's cores shared out between the ranks on it, and no
    /// more than this process may run on (a rank mpirun bound to one core gets one thread);
    /// at least 1. A plain run gets every core it may use, as before there was a setting.
    public static func defaultCount(cores: Int, hostCores: Int, localRanks: Int) -> Int {
        max(1, min(cores, hostCores / max(1, localRanks)))
    }

    /// Why `threads` per rank is more than this host has, or nil: the pool's workers spin while
    /// they wait, so threads beyond the cores slow each other down.
    public static func oversubscription(threads: Int, localRanks: Int = localRanks()) -> String? {
        if localRanks > 1, threads * localRanks > hostCores {
            return "\(localRanks) ranks × \(threads) threads on \(hostCores) cores"
        }
        if threads > cores { return "\(threads) threads on \(cores) cores" }
        return nil
    }

    private struct State {
        var requested: Int?
        var fixed: Int?
    }
    private static let state = Mutex(State())

    /// Sets the count. Allowed until the first kernel fixes it; afterwards only the count in force.
    public static func set(_ count: Int) throws(ThreadCountError) {
        guard (1...maximum).contains(count) else { throw .outOfRange(count) }
        let fixed: Int? = state.withLock { s in
            if let fixed = s.fixed, fixed != count { return fixed }
            s.requested = count
            return nil
        }
        if let fixed { throw .alreadyFixed(requested: count, inForce: fixed) }
    }

    /// The count in force. The first call fixes it; `Kernels.coreCount` makes that call once.
    static func fix() -> Int {
        state.withLock { s in
            if let fixed = s.fixed { return fixed }
            let n = s.requested ?? defaultCount(cores: cores, hostCores: hostCores, localRanks: localRanks())
            s.fixed = n
            return n
        }
    }

    /// The count the kernels use (fixing it if no kernel has run yet).
    public static var current: Int { Kernels.coreCount }

    /// Threads the worker pool really runs: its started workers plus the calling thread (starting
    /// the pool if nothing has yet). What `bench` reports, so a test sees the pool, not the setting.
    public static var poolSize: Int { WorkerPool.shared.workers + 1 }
}

public enum ThreadCountError: Error, Equatable, CustomStringConvertible {
    case outOfRange(Int)
    case alreadyFixed(requested: Int, inForce: Int)

    public var description: String {
        switch self {
        case .outOfRange(let n): "--threads must be from 1 to \(ComputeThreads.maximum), got \(n)"
        case .alreadyFixed(let n, let inForce):
            "cannot use \(n) compute threads: the kernels already run with \(inForce) (set the count before the first kernel)"
        }
    }
}
