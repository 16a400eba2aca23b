import Foundation

public enum PlanError: UserFacingError {
    case unreadable(String, reason: String)
    case notAPlan(String)
    case version(String, found: UInt32)
    case truncated(String)
    case checksum(String)
    case malformed(String, String)
    case unwritable(String, String)
    /// Decoded and checksummed, but the verifier cannot prove it safe to run.
    case unsafe(String, String)

    public var description: String {
        switch self {
        case let .unreadable(p, reason): "\(p): cannot read plan file: \(reason)"
        case .notAPlan(let p): "\(p): not an mtstc plan (bad magic); compile one with `mtstc compile SPEC -o PLAN`"
        case let .version(p, found): "\(p): plan format version \(found), this mtstc reads version \(Plan.formatVersion); recompile the spec"
        case .truncated(let p): "\(p): plan file is truncated; recompile the spec"
        case .checksum(let p): "\(p): plan checksum mismatch (file corrupted); recompile the spec"
        case let .malformed(p, why): "\(p): plan payload is malformed: \(why); recompile the spec"
        case let .unwritable(p, why): "\(p): cannot write plan: \(why)"
        case let .unsafe(p, why): "\(p): unsafe plan: \(why)"
        }
    }
}

/// File layout: magic `MTSTPLAN` · format version (u32 LE) · payload length (u64 LE) ·
/// SHA-256 of the payload (32 bytes) · payload (JSON, so a plan explains itself with `jq`).
public enum PlanCodec {
    static let magic = Array("MTSTPLAN".utf8)
    /// Bytes before the payload: magic, version, payload length, SHA-256.
    public static let headerSize = 8 + 4 + 8 + 32

    public static func encode(_ plan: Plan) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return frame([UInt8](try encoder.encode(plan)))
    }

    /// A plan file around a JSON payload, with this version and the payload's checksum. Fuzzers
    /// and tests frame crafted payloads with it, so what they feed `decode` passes every check
    /// but the verifier's.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        var out = magic
        withUnsafeBytes(of: Plan.formatVersion.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(payload.count).littleEndian) { out.append(contentsOf: $0) }
        var h = SHA256()
        h.update(payload)
        out.append(contentsOf: h.finalize())
        out.append(contentsOf: payload)
        return out
    }

    /// Checks the framing and checksum, decodes, then runs `PlanVerifier`: a plan comes back only
    /// once it is proven safe to run within `limits`.
    public static func decode(_ bytes: [UInt8], path: String, limits: PlanLimits = PlanLimits()) throws -> Plan {
        guard bytes.count >= 8, Array(bytes[0..<8]) == magic else {
            throw bytes.count < 8 && magic.starts(with: bytes) ? PlanError.truncated(path) : PlanError.notAPlan(path)
        }
        guard bytes.count >= headerSize else { throw PlanError.truncated(path) }
        let version = bytes[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard version == Plan.formatVersion else { throw PlanError.version(path, found: version) }
        let length = bytes[12..<20].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard UInt64(bytes.count - headerSize) >= length else { throw PlanError.truncated(path) }
        guard UInt64(bytes.count - headerSize) == length else { throw PlanError.malformed(path, "trailing bytes after the payload") }
        let payload = bytes[headerSize...]
        var h = SHA256()
        h.update(payload)
        guard h.finalize() == Array(bytes[20..<52]) else { throw PlanError.checksum(path) }
        let plan: Plan
        do {
            plan = try JSONDecoder().decode(Plan.self, from: Data(payload))
        } catch {
            throw PlanError.malformed(path, malformedReason(error, payload: payload))
        }
        try PlanVerifier.verify(plan, path: path, limits: limits)
        return plan
    }

    public static func read(path: String, limits: PlanLimits = PlanLimits()) throws -> Plan {
        let data: Data
        do {
            data = try InputFile.read(path)
        } catch {
            throw PlanError.unreadable(path, reason: error.reason)
        }
        return try decode([UInt8](data), path: path, limits: limits)
    }

    /// Writes to a temporary file beside the target and renames it, so a failed or interrupted
    /// compile never leaves a half-written plan. Only a plan is ever replaced: a regular file at
    /// `path` that does not start with the plan magic (notes, a spec, anything mtstc did not
    /// write) is refused, so neither `-o` nor the default `out.plan` can clobber a user's file.
    public static func write(_ plan: Plan, to path: String) throws {
        if let why = notReplaceable(path) { throw PlanError.unwritable(path, why) }
        let bytes = try encode(plan)
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw PlanError.unwritable(path, error.reason)
        }
    }

    /// Why the regular file at `path` must not be replaced by a plan, or nil (nothing there, a
    /// plan of any version, or not a regular file, which `AtomicFile` refuses in its own words).
    static func notReplaceable(_ path: String) -> String? {
        guard FileKind.of(path) == .regular else { return nil }
        let head: Data
        do {
            let (fd, _) = try InputFile.openRegular(path)
            defer { close(fd) }
            head = try InputFile.read(fd: fd, offset: 0, count: magic.count)
        } catch {
            return "cannot check the file already there: \(error.reason)"
        }
        guard [UInt8](head) != magic else { return nil }
        return "a file that is not an mtstc plan is in the way; only a plan is ever replaced"
    }
}
