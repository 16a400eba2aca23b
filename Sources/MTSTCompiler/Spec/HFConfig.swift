import Foundation

/// The few fields of a Hugging Face `config.json` that describe a BERT backbone. Values are
/// looked up on demand so a missing or mistyped key is reported only when the spec needs it.
struct HFConfig {
    enum Value: Decodable {
        case int(Int), double(Double), bool(Bool), string(String), other

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let v = try? container.decode(Int.self) { self = .int(v) }
            else if let v = try? container.decode(Double.self) { self = .double(v) }
            else if let v = try? container.decode(Bool.self) { self = .bool(v) }
            else if let v = try? container.decode(String.self) { self = .string(v) }
            else { self = .other }
        }

        var text: String {
            switch self {
            case .int(let v): return "\(v)"
            case .double(let v): return "\(v)"
            case .bool(let v): return "\(v)"
            case .string(let v): return "\"\(v)\""
            case .other: return "a list or object"
            }
        }
    }

    let file: String
    /// The `backbone.config` value: every config-derived error points here.
    let source: Located<String>
    let values: [String: Value]

    init(_ source: Located<String>) throws(SpecError) {
        self.source = source
        self.file = source.value
        let data: Data
        do {
            data = try InputFile.read(source.value, limit: 16 << 20, what: "config.json")
        } catch {
            let message = error.isMissing ? "does not exist" : "cannot be read: \(error.reason)"
            throw .config(at: source.location, keyPath: source.keyPath, file: source.value, message: message)
        }
        do {
            values = try JSONDecoder().decode([String: Value].self, from: data)
        } catch {
            throw .config(at: source.location, keyPath: source.keyPath, file: source.value,
                          message: "is not a JSON object")
        }
    }

    func error(_ message: String) -> SpecError {
        .config(at: source.location, keyPath: source.keyPath, file: file, message: message)
    }

    func int(_ key: String) throws(SpecError) -> Int? {
        guard let value = values[key] else { return nil }
        guard case .int(let v) = value else { throw error("'\(key)' must be an integer, got \(value.text)") }
        return v
    }

    func double(_ key: String) throws(SpecError) -> Double? {
        guard let value = values[key] else { return nil }
        switch value {
        case .int(let v): return Double(v)
        case .double(let v): return v
        default: throw error("'\(key)' must be a number, got \(value.text)")
        }
    }

    func string(_ key: String) throws(SpecError) -> String? {
        guard let value = values[key] else { return nil }
        guard case .string(let v) = value else { throw error("'\(key)' must be a string, got \(value.text)") }
        return v
    }
}
