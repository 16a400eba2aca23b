import ArgumentParser
import Foundation
import MTSTKernels

/// `--threads N`: the kernels' thread count (the worker pool's size; the BLAS stays
/// single-threaded under it). It replaces the BLAS's and OpenMP's environment variables.
struct ThreadsOption: ParsableArguments {
    @Option(help: "Compute threads: the kernels' worker pool, the calling thread included (default: the cores divided by the ranks mpirun started on this host).")
    var threads: Int?

    func validate() throws {
        if let threads, !(1...ComputeThreads.maximum).contains(threads) {
            throw ValidationError(ThreadCountError.outOfRange(threads).description)
        }
    }

    /// Call first in `run()`, before anything runs a kernel.
    func apply() throws {
        guard let threads else { return }
        do { try ComputeThreads.set(threads) } catch { throw ValidationError(error.description) }
        if let what = ComputeThreads.oversubscription(threads: threads) {
            FileHandle.standardError.write(Data("note: \(what): the kernels' workers spin while they wait, so threads beyond the cores slow each other down\n".utf8))
        }
    }
}
