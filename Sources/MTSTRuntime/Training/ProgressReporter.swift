import Foundation

/// The live progress line: rewritten in place on a terminal, a plain line every tenth of an
/// epoch otherwise (logs and CI stay readable), or nothing (tests).
public struct ProgressReporter {
    let isTerminal: Bool
    let enabled: Bool
    var epoch = 0, epochs = 0, steps = 0
    var nextPlain = 0

    public init(isTerminal: Bool = isatty(STDOUT_FILENO) != 0, enabled: Bool = true) {
        self.isTerminal = isTerminal
        self.enabled = enabled
    }

    mutating func begin(epoch: Int, of epochs: Int, steps: Int) {
        self.epoch = epoch
        self.epochs = epochs
        self.steps = steps
        nextPlain = max(1, steps / 10)
    }

    mutating func step(_ step: Int, loss: Double, sentences: Int, seconds: Double) {
        guard enabled else { return }
        let rate = Double(sentences) / max(seconds, 1e-9)
        let eta = seconds / Double(step) * Double(steps - step)
        let line = String(format: "epoch %d/%d step %d/%d loss %.4f %.1f sentences/s ETA %d:%02d",
                          epoch, epochs, step, steps, loss, rate, Int(eta) / 60, Int(eta) % 60)
        if isTerminal {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + line).utf8))
        } else if step >= nextPlain || step == steps {
            print(line)
            fflush(nil)
            nextPlain = step + max(1, steps / 10)
        }
    }

    func end() {
        if enabled && isTerminal { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
    }
}
