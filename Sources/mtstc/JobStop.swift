import Foundation
import Synchronization

/// Under mpirun, a rank that dies makes the launcher end the others with SIGTERM. Rank 0 then
/// says in one line why the job stopped and where the last good state is; the message is
/// formatted ahead of time (after every snapshot), because a signal handler may only write it.
enum JobStop {
    /// Two buffers: `note` writes the one the handler is not reading, then publishes it.
    private nonisolated(unsafe) static let buffers = [UnsafeMutablePointer<UInt8>.allocate(capacity: capacity),
                                                      UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)]
    private static let capacity = 4096
    /// Published buffer index × capacity + length.
    private static let published = Atomic<Int>(0)

    static func install(outDir: String) {
        note(lastGood: nil, outDir: outDir)
        signal(SIGTERM) { _ in
            // Only async-signal-safe calls here: an atomic load, write(2) and _exit(2).
            let p = JobStop.published.load(ordering: .acquiring)
            _ = write(STDERR_FILENO, JobStop.buffers[p / JobStop.capacity], p % JobStop.capacity)
            _exit(143)
        }
    }

    /// Formats the message for the state saved last (`lastGood`, a snapshot folder).
    static func note(lastGood: String?, outDir: String) {
        let saved = lastGood.map { "the last saved state is \($0) (continue with --resume \(outDir))" } ?? "nothing was saved yet"
        let text = Array("\nerror: the job was stopped by its launcher (a rank died, or mpirun was interrupted); \(saved)\n".utf8.prefix(capacity - 1))
        let next = 1 - published.load(ordering: .acquiring) / capacity
        buffers[next].update(from: text, count: text.count)
        published.store(next * capacity + text.count, ordering: .releasing)
    }
}
