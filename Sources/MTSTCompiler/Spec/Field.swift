/// One YAML value on its way into a typed field. Conversions are strict and throw
/// `SpecError`s naming the key path and the value's position.
struct Field {
    let node: YAMLNode
    let keyPath: String
    /// Where the key naming this value sits; missing-key errors inside a mapping point there.
    let keyLocation: SourceLocation?
    let table: LocationTable

    init(node: YAMLNode, keyPath: String, keyLocation: SourceLocation? = nil, table: LocationTable) {
        self.node = node
        self.keyPath = keyPath
        self.keyLocation = keyLocation
        self.table = table
        // A block mapping "starts" at its first inner key; its own key is what a reader of an
        // error about the whole section (`heads.slots`) should be sent to.
        if case .mapping = node.value, let keyLocation {
            table.record(keyPath, keyLocation)
        } else {
            table.record(keyPath, node.location)
        }
    }

    var location: SourceLocation { node.location }

    var isNull: Bool {
        if case .null = node.value { return true }
        return false
    }

    func bad(_ message: String) -> SpecError {
        .badValue(at: location, keyPath: keyPath, message: message)
    }

    func wrongType(_ expected: String) -> SpecError {
        .wrongType(at: location, keyPath: keyPath, expected: expected, got: node.kindDescription)
    }

    func located<T: Sendable>(_ value: T) -> Located<T> {
        Located(value, at: location, keyPath: keyPath)
    }

    // MARK: scalars

    func string() throws(SpecError) -> String {
        guard case .scalar(let text, _) = node.value else { throw wrongType("a string") }
        return text
    }

    /// Numbers must be plain scalars: a quoted "5" is text, and saying so beats guessing.
    private func plainText(_ expected: String) throws(SpecError) -> String {
        guard case .scalar(let text, let plain) = node.value, plain else { throw wrongType(expected) }
        return text
    }

    func int() throws(SpecError) -> Int {
        let text = try plainText("an integer")
        guard let value = Int(text) else { throw wrongType("an integer") }
        return value
    }

    func double() throws(SpecError) -> Double {
        let text = try plainText("a number")
        guard let value = Double(text), value.isFinite else { throw wrongType("a finite number") }
        return value
    }

    func bool() throws(SpecError) -> Bool {
        let text = try plainText("true or false")
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw wrongType("true or false")
        }
    }

    func choice<E: RawRepresentable & CaseIterable>(_: E.Type, what: String) throws(SpecError) -> E
    where E.RawValue == String {
        let text = try string()
        if let value = E(rawValue: text) { return value }
        let names = E.allCases.map(\.rawValue)
        throw bad("unknown \(what) '\(text)' (\(Suggestion.hint(text, in: names)))")
    }

    // MARK: checked numbers

    func positiveInt() throws(SpecError) -> Int {
        let value = try int()
        guard value > 0 else { throw bad("must be a positive integer, got \(value)") }
        return value
    }

    func nonNegativeInt() throws(SpecError) -> Int {
        let value = try int()
        guard value >= 0 else { throw bad("must be ≥ 0, got \(value)") }
        return value
    }

    func positiveDouble() throws(SpecError) -> Double {
        let value = try double()
        guard value > 0 else { throw bad("must be > 0, got \(value)") }
        return value
    }

    func nonNegativeDouble() throws(SpecError) -> Double {
        let value = try double()
        guard value >= 0 else { throw bad("must be ≥ 0, got \(value)") }
        return value
    }

    /// Probabilities like dropout: 1 would zero every activation, so it is excluded.
    func unitInterval() throws(SpecError) -> Double {
        let value = try double()
        guard value >= 0, value < 1 else { throw bad("must be in [0, 1), got \(value)") }
        return value
    }

    // MARK: collections

    func list() throws(SpecError) -> [Field] {
        guard case .sequence(let items) = node.value else { throw wrongType("a list") }
        return items.enumerated().map {
            Field(node: $0.element, keyPath: KeyPath.index(keyPath, $0.offset), table: table)
        }
    }

    /// Fields that take "one X or a list of X" (`params`, `data.train`).
    func listOrSingle() -> [Field] {
        if case .sequence = node.value, let items = try? list() { return items }
        return [self]
    }

    func map(allowed: [String]) throws(SpecError) -> FieldMap {
        guard case .mapping(let entries) = node.value else { throw wrongType("a mapping") }
        for entry in entries where !allowed.contains(entry.key) {
            throw .unknownKey(at: entry.keyLocation, keyPath: KeyPath.child(keyPath, entry.key),
                              hint: Suggestion.hint(entry.key, in: allowed))
        }
        return FieldMap(owner: self, entries: entries)
    }

    /// A mapping whose keys are names chosen by the user (heads, losses).
    func namedEntries() throws(SpecError) -> [(key: String, keyLocation: SourceLocation, field: Field)] {
        if isNull { return [] }
        guard case .mapping(let entries) = node.value else { throw wrongType("a mapping") }
        return entries.map {
            (key: $0.key, keyLocation: $0.keyLocation,
             field: Field(node: $0.value, keyPath: KeyPath.child(keyPath, $0.key), keyLocation: $0.keyLocation, table: table))
        }
    }
}

/// A mapping whose keys were checked against the allowed set.
struct FieldMap {
    let owner: Field
    let entries: [YAMLNode.Entry]

    func has(_ key: String) -> Bool {
        entries.contains { $0.key == key }
    }

    /// The value at `key`, or nil when the key is absent or explicitly null.
    func optional(_ key: String) -> Field? {
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        let field = Field(node: entry.value, keyPath: KeyPath.child(owner.keyPath, key),
                          keyLocation: entry.keyLocation, table: owner.table)
        return field.isNull ? nil : field
    }

    func required(_ key: String) throws(SpecError) -> Field {
        guard let entry = entries.first(where: { $0.key == key }) else {
            throw .missingKey(at: owner.keyLocation ?? owner.location, keyPath: KeyPath.child(owner.keyPath, key))
        }
        return Field(node: entry.value, keyPath: KeyPath.child(owner.keyPath, key),
                     keyLocation: entry.keyLocation, table: owner.table)
    }
}
