import Foundation
import MTSTCompiler

/// A change to a file's bytes in a bad-input case's setup: a plan crafted to pass its checksum,
/// damaged framing, a poisoned weight. Applied to files an mtstc command wrote, so each case
/// starts from what the real binary produces today.
struct BadInputEdit: Sendable {
    let apply: @Sendable ([UInt8]) throws -> [UInt8]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let planHeader = PlanCodec.headerSize

    /// Decodes a plan's payload without the verifier, applies `change` and encodes it again with a
    /// fresh checksum, as someone crafting a plan would.
    static func plan(_ change: @escaping @Sendable (inout Plan) -> Void) -> BadInputEdit {
        BadInputEdit { bytes in
            var plan = try JSONDecoder().decode(Plan.self, from: Data(bytes.dropFirst(planHeader)))
            change(&plan)
            return try PlanCodec.encode(plan)
        }
    }

    /// The payload's JSON text with the first `old` replaced by `new` and a fresh checksum: for
    /// values a `Plan` cannot hold (a string where a number belongs, a missing key).
    static func planPayload(replacing old: String, with new: String) -> BadInputEdit {
        BadInputEdit { bytes in
            let text = String(decoding: bytes.dropFirst(planHeader), as: UTF8.self)
            guard let range = text.range(of: old) else { throw Failure(description: "the plan's payload has no '\(old)'") }
            return PlanCodec.frame(Array(text.replacingCharacters(in: range, with: new).utf8))
        }
    }

    /// `replacement` written over the bytes from `offset`.
    static func patch(at offset: Int, _ replacement: [UInt8]) -> BadInputEdit {
        BadInputEdit { bytes in
            guard offset >= 0, offset + replacement.count <= bytes.count else { throw Failure(description: "patch past the end") }
            var bytes = bytes
            bytes.replaceSubrange(offset..<(offset + replacement.count), with: replacement)
            return bytes
        }
    }

    /// The last byte flipped: the payload of a plan, damaged after its checksum was written.
    static let lastByteFlipped = BadInputEdit { bytes in
        guard let last = bytes.last else { throw Failure(description: "empty file") }
        return bytes.dropLast() + [last ^ 0x01]
    }

    /// The first half of the file, as an interrupted copy leaves it.
    static let firstHalf = BadInputEdit { Array($0.prefix($0.count / 2)) }

    /// A safetensors file with element `index` of F32 tensor `tensor` set to `value`.
    static func poison(_ tensor: String, index: Int = 0, with value: Float) -> BadInputEdit {
        BadInputEdit { bytes in
            guard bytes.count >= 8 else { throw Failure(description: "not a safetensors file") }
            let headerLength = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
            let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any]
            guard let entry = header?[tensor] as? [String: Any], let begin = (entry["data_offsets"] as? [Int])?.first else {
                throw Failure(description: "no tensor \(tensor)")
            }
            var bytes = bytes
            let offset = 8 + headerLength + begin + 4 * index
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.replaceSubrange(offset..<(offset + 4), with: $0) }
            return bytes
        }
    }
}
