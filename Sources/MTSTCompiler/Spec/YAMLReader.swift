import CYAML

/// Turns YAML text into a `YAMLNode` tree through libyaml's document loader, keeping each
/// node's 1-based line and column. Rejects what the spec format never wants: several
/// documents, non-scalar mapping keys, duplicate keys.
enum YAMLReader {
    /// A spec is a few kilobytes; these bounds keep a runaway or hostile file (a generated
    /// 50 MB list, a "billion laughs" of nested aliases, which expand into copies) from
    /// exhausting memory or the stack. Each has its own message, so the user learns which.
    static let maxBytes = 4 << 20
    static let maxNodes = 200_000
    static let maxDepth = 256

    static func read(_ text: String, file: String) throws(SpecError) -> YAMLNode {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw .syntax(at: SourceLocation(file: file, line: 1, column: 1), problem: "libyaml could not start")
        }
        defer { yaml_parser_delete(&parser) }

        guard text.utf8.count <= maxBytes else {
            throw .syntax(at: SourceLocation(file: file, line: 1, column: 1),
                          problem: "the document is \(text.utf8.count) bytes, more than the \(maxBytes) a spec may have")
        }
        // libyaml reads from this buffer lazily, so it must outlive every load call below.
        let bytes = Array(text.utf8)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        defer { buffer.deallocate() }
        buffer.initialize(from: bytes, count: bytes.count)
        yaml_parser_set_input_string(&parser, buffer, bytes.count)

        var document = yaml_document_t()
        guard yaml_parser_load(&parser, &document) == 1 else { throw syntaxError(parser, file: file) }
        defer { yaml_document_delete(&document) }

        guard let root = yaml_document_get_root_node(&document) else {
            return YAMLNode(value: .null, location: SourceLocation(file: file, line: 1, column: 1))
        }
        let parsedNodes = document.nodes.top - document.nodes.start
        guard parsedNodes <= maxNodes else {
            let last = document.nodes.top - 1
            throw .syntax(at: location(last.pointee.start_mark, file: file),
                          problem: "the document has \(parsedNodes) YAML nodes, more than the \(maxNodes) a spec may have")
        }
        var builder = TreeBuilder(file: file)
        let tree = try builder.build(root, document: &document, keyPath: "", depth: 0)

        var next = yaml_document_t()
        guard yaml_parser_load(&parser, &next) == 1 else { throw syntaxError(parser, file: file) }
        defer { yaml_document_delete(&next) }
        if yaml_document_get_root_node(&next) != nil {
            throw .syntax(at: location(next.start_mark, file: file),
                          problem: "a spec is one YAML document, found a second one")
        }
        return tree
    }

    static func location(_ mark: yaml_mark_t, file: String) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func syntaxError(_ parser: yaml_parser_t, file: String) -> SpecError {
        let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
        // libyaml's context ("while parsing a flow sequence") has its own mark: where the
        // unfinished construct began, often the line the user actually has to fix.
        let context = parser.context.map { String(cString: $0) }
        let start = location(parser.context_mark, file: file)
        let text = context.map { "\(problem) \($0) started at \(start.line):\(start.column)" } ?? problem
        // In YAML a leading `*` starts an alias, which is almost never what a spec author
        // writing a parameter pattern meant.
        let hint = text.contains("alias") ? " (a pattern starting with '*' must be quoted: \"*.bias\")" : ""
        return .syntax(at: location(parser.problem_mark, file: file), problem: text + hint)
    }
}

private struct TreeBuilder {
    let file: String
    var count = 0

    init(file: String) {
        self.file = file
    }

    mutating func build(_ node: UnsafeMutablePointer<yaml_node_t>, document: inout yaml_document_t,
                        keyPath: String, depth: Int) throws(SpecError) -> YAMLNode {
        let here = YAMLReader.location(node.pointee.start_mark, file: file)
        count += 1
        // The document itself is within maxNodes (checked before building), so passing it here
        // means aliases were expanded into more copies than that.
        guard count <= YAMLReader.maxNodes else {
            throw .syntax(at: here, problem: "expanding aliases gives more than \(YAMLReader.maxNodes) YAML nodes, the most a spec may have; an alias is repeated too often")
        }
        guard depth < YAMLReader.maxDepth else {
            throw .syntax(at: here, problem: "values are nested more than \(YAMLReader.maxDepth) levels deep, the most a spec may have")
        }
        switch node.pointee.type {
        case YAML_SCALAR_NODE:
            let scalar = node.pointee.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
            if plain && ["", "~", "null", "Null", "NULL"].contains(text) {
                return YAMLNode(value: .null, location: here)
            }
            return YAMLNode(value: .scalar(text, plain: plain), location: here)

        case YAML_SEQUENCE_NODE:
            var items: [YAMLNode] = []
            var item = node.pointee.data.sequence.items.start
            while let current = item, current != node.pointee.data.sequence.items.top {
                guard let child = yaml_document_get_node(&document, current.pointee) else { break }
                items.append(try build(child, document: &document,
                                       keyPath: KeyPath.index(keyPath, items.count), depth: depth + 1))
                item = current + 1
            }
            return YAMLNode(value: .sequence(items), location: here)

        case YAML_MAPPING_NODE:
            var entries: [YAMLNode.Entry] = []
            var firstSeen: [String: SourceLocation] = [:]
            var pair = node.pointee.data.mapping.pairs.start
            while let current = pair, current != node.pointee.data.mapping.pairs.top {
                pair = current + 1
                guard let keyNode = yaml_document_get_node(&document, current.pointee.key),
                      let valueNode = yaml_document_get_node(&document, current.pointee.value) else { continue }
                let keyLocation = YAMLReader.location(keyNode.pointee.start_mark, file: file)
                guard keyNode.pointee.type == YAML_SCALAR_NODE else {
                    throw .syntax(at: keyLocation, problem: "mapping keys must be plain words, not lists or mappings")
                }
                let scalar = keyNode.pointee.data.scalar
                let key = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                let childPath = KeyPath.child(keyPath, key)
                if let first = firstSeen[key] {
                    throw .duplicateKey(at: keyLocation, keyPath: childPath, first: first)
                }
                firstSeen[key] = keyLocation
                let value = try build(valueNode, document: &document, keyPath: childPath, depth: depth + 1)
                entries.append(YAMLNode.Entry(key: key, keyLocation: keyLocation, value: value))
            }
            return YAMLNode(value: .mapping(entries), location: here)

        default:
            return YAMLNode(value: .null, location: here)
        }
    }
}
