import Foundation

extension PlanCodec {
    /// Why a checksummed payload did not decode, as one line naming the JSON path of the field
    /// (`inference.graph.nodes[29].kind: expected ..., found ...`) rather than a `DecodingError` dump.
    static func malformedReason(_ error: Error, payload: ArraySlice<UInt8>) -> String {
        guard let error = error as? DecodingError else { return oneLine("\(error)") }
        let json = try? JSONSerialization.jsonObject(with: Data(payload), options: [.fragmentsAllowed])
        switch error {
        case let .typeMismatch(type, context):
            return "\(path(context.codingPath)): expected \(describe(type)), found \(found(json, at: context.codingPath))"
        case let .valueNotFound(type, context):
            return "\(path(context.codingPath)): expected \(describe(type)), found null"
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath + [key])) is missing"
        case let .dataCorrupted(context) where !context.codingPath.isEmpty:
            return "\(path(context.codingPath)): \(found(json, at: context.codingPath)) is not a valid value"
        case .dataCorrupted:
            guard json != nil else { return syntaxProblem(payload) }
            // Foundation's JSONDecoder loses the path when a number does not fit its type.
            return "a number does not fit its field (a fraction or a value past 64 bits where an integer belongs)"
        @unknown default:
            return oneLine("\(error)")
        }
    }

    /// `inference.graph.nodes[29].kind`; `the payload` for the top level.
    static func path(_ codingPath: [CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                out += "[\(index)]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out.isEmpty ? "the payload" : out
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt32.Type, is UInt64.Type, is UInt.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "a list" : "an object"
        }
    }

    /// The JSON value at `codingPath`, shortened, or what kind of value it is.
    static func found(_ json: Any?, at codingPath: [CodingKey]) -> String {
        var value = json
        for key in codingPath {
            if let object = value as? [String: Any] {
                value = object[key.stringValue]
            } else if let array = value as? [Any], let i = key.intValue, array.indices.contains(i) {
                value = array[i]
            } else {
                return "a value of another type"
            }
        }
        switch value {
        case nil, is NSNull: return "null"
        case is [Any]: return "a list"
        case is [String: Any]: return "an object"
        case let value?:
            guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) else { return "\(value)" }
            let text = String(decoding: data, as: UTF8.self)
            return text.count > 40 ? String(text.prefix(37)) + "..." : text
        }
    }

    /// JSONDecoder says only "not valid JSON"; JSONSerialization says where.
    static func syntaxProblem(_ payload: ArraySlice<UInt8>) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(payload), options: [.fragmentsAllowed])
            return "not a JSON object"
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "malformed"
            let text = detail.hasSuffix(".") ? String(detail.dropLast()) : detail
            return "not valid JSON: " + (text.first.map { $0.lowercased() + text.dropFirst() } ?? text)
        }
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
