import Foundation

/// The JSON header: `__metadata__` (string map) plus one entry per tensor.
struct SafeTensorsHeader: Decodable {
    struct Entry: Decodable {
        var dtype: String
        var shape: [Int]
        var dataOffsets: [Int]

        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    static let metadataKey = "__metadata__"

    var metadata: [String: String] = [:]
    var entries: [String: Entry] = [:]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        // In name order: `allKeys` follows a hash order that changes from run to run, and with
        // several bad entries the error must name the same one every time.
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            if key.stringValue == Self.metadataKey {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                entries[key.stringValue] = try container.decode(Entry.self, forKey: key)
            }
        }
    }

    static func decode(_ json: Data, path: String) throws(SafeTensorsError) -> SafeTensorsHeader {
        do {
            return try JSONDecoder().decode(SafeTensorsHeader.self, from: json)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw SafeTensorsError(path: path, kind: .headerNotJSON(reason: syntaxProblem(json)))
            }
            throw mapped(error, path: path)
        } catch {
            throw SafeTensorsError(path: path, kind: .headerNotJSON(reason: "\(error)"))
        }
    }

    /// Errors inside one entry name that tensor; anything else is a JSON syntax problem.
    private static func mapped(_ error: DecodingError, path: String) -> SafeTensorsError {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            context = c
        @unknown default:
            return SafeTensorsError(path: path, kind: .headerNotJSON(reason: "\(error)"))
        }
        var reason = context.debugDescription
        if case .keyNotFound(let key, _) = error { reason = "missing '\(key.stringValue)'" }
        guard let tensor = context.codingPath.first?.stringValue else {
            return SafeTensorsError(path: path, kind: .headerNotJSON(reason: oneLine(reason)))
        }
        if tensor == metadataKey {
            return SafeTensorsError(path: path, kind: .headerNotJSON(reason: "\(metadataKey) must map strings to strings"))
        }
        let field = context.codingPath.dropFirst().map(\.stringValue).joined(separator: ".")
        let detail = field.isEmpty ? reason : "\(field): \(reason)"
        return SafeTensorsError(path: path, kind: .badEntry(tensor: tensor, reason: oneLine(detail)))
    }

    /// JSONDecoder only says "not valid JSON"; JSONSerialization says where.
    private static func syntaxProblem(_ json: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: json)
            return "not a JSON object of tensors"
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "malformed"
            let text = detail.hasSuffix(".") ? String(detail.dropLast()) : detail
            return (text.first.map { $0.lowercased() + text.dropFirst() } ?? text) + " (of a \(json.count)-byte header)"
        }
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
