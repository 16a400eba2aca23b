import Foundation
import Synchronization

/// Ctrl-C during `mtstc run`: the first SIGINT only raises a flag that the trainer polls after
/// each optimizer step, so the run saves a resumable state and exits 130; a second one exits at
/// once (the last saved snapshot stays intact either way).
enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    static var requested: Bool { flag.load(ordering: .acquiring) }

    static func install() {
        // A parent may have blocked SIGINT (some process runners do); Ctrl-C must still arrive.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            // Only async-signal-safe calls here: an atomic exchange, write(2) and _exit(2).
            if Interrupt.flag.exchange(true, ordering: .acquiringAndReleasing) { _exit(130) }
            let note: StaticString = "\ninterrupt: finishing the current step to save it (Ctrl-C again quits at once)\n"
            _ = write(STDERR_FILENO, note.utf8Start, note.utf8CodeUnitCount)
        }
    }
}
