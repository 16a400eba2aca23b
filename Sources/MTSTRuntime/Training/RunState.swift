import Foundation
import MTSTCompiler

/// `state.json` of a snapshot: where training stands, everything besides the weights and the
/// optimizer state (its buffers and each parameter's update count, in `optimizer.safetensors`)
/// that continuing exactly needs, and the SHA-256 of every other file of the snapshot.
///
/// The rest of the training state is derived, not stored: the shuffle order and each step's
/// dropout seed come from (seed, epoch, step), the lr factor from `update`, and a parameter's
/// first epoch (gradual unfreezing) from the plan.
struct RunState: Codable, Equatable {
    static let currentFormat = 1

    var format = RunState.currentFormat
    var plan: String
    /// SHA-256 of the encoded plan, so a run never continues under another graph or schedule.
    var planSHA256: String
    /// The run's length and `--limit`: the lr schedule and the data depend on them.
    var epochs: Int
    var limit: Int?
    /// Epochs completed.
    var epoch: Int
    /// Micro-batches done in the epoch after `epoch`: 0 at an epoch boundary, more after Ctrl-C.
    var step: Int
    /// Optimizer updates applied since the run began.
    var update: Int
    /// The running loss of the unfinished epoch, bit for bit (a decimal could round).
    var lossSumBits: String
    var lossCount: Int
    /// The run's first micro-batch loss, for the explosion warning.
    var firstLossBits: String?
    /// Per head, the running training loss of the unfinished epoch over the batches that carry
    /// its labels: the sum's bits and the batch count (absent in snapshots of older runs).
    var headLoss: [String: HeadLossBits]?
    /// The unfinished epoch's micro-batch losses so far, bit for bit (absent in older snapshots).
    var stepLossBits: [String]?
    /// Wall-clock training seconds of the unfinished epoch (timing, not part of the result).
    var trainSeconds: Double
    /// File name → SHA-256 of every other file of the snapshot.
    var files: [String: String]

    enum CodingKeys: String, CodingKey {
        case format, plan, epochs, limit, epoch, step, update, files
        case planSHA256 = "plan_sha256", lossSumBits = "loss_sum_bits", lossCount = "loss_count"
        case firstLossBits = "first_loss_bits", trainSeconds = "train_seconds", headLoss = "head_loss"
        case stepLossBits = "step_loss_bits"
    }

    struct HeadLossBits: Codable, Equatable {
        var sumBits: String
        var count: Int
        enum CodingKeys: String, CodingKey { case sumBits = "sum_bits", count }
    }

    var lossSum: Double {
        get { Self.double(lossSumBits) ?? 0 }
        set { lossSumBits = Self.bits(newValue) }
    }

    var firstLoss: Double? {
        get { firstLossBits.flatMap(Self.double) }
        set { firstLossBits = newValue.map(Self.bits) }
    }

    static func bits(_ x: Double) -> String { String(x.bitPattern, radix: 16) }
    static func double(_ s: String) -> Double? { UInt64(s, radix: 16).map(Double.init(bitPattern:)) }

    var id: SnapshotID { SnapshotID(epoch: epoch, step: step) }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return Array(try encoder.encode(self)) + [10]
    }

    static func decode(_ data: Data) -> RunState? {
        try? JSONDecoder().decode(RunState.self, from: data)
    }
}

/// Where a snapshot stands: `epoch` epochs done and `step` micro-batches into the next. Named
/// `epoch-0003` after epoch 3, `epoch-0004-step-000012` after step 12 of epoch 4 (1-based, as the
/// progress line counts).
struct SnapshotID: Comparable, Hashable {
    var epoch: Int
    var step: Int

    var name: String {
        step == 0 ? "epoch-" + Self.padded(epoch, 4) : "epoch-" + Self.padded(epoch + 1, 4) + "-step-" + Self.padded(step, 6)
    }

    init(epoch: Int, step: Int) {
        self.epoch = epoch
        self.step = step
    }

    init?(name: String) {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        let numbers = stride(from: 1, to: parts.count, by: 2).map { parts[$0] }
        guard parts.first == "epoch", parts.count == 2 || (parts.count == 4 && parts[2] == "step"),
              numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let e = Int(parts[1]) else { return nil }
        if parts.count == 2 {
            self.init(epoch: e, step: 0)
        } else {
            guard e >= 1, let s = Int(parts[3]), s >= 1 else { return nil }
            self.init(epoch: e - 1, step: s)
        }
        guard self.name == name else { return nil }
    }

    static func < (a: SnapshotID, b: SnapshotID) -> Bool { (a.epoch, a.step) < (b.epoch, b.step) }

    private static func padded(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
