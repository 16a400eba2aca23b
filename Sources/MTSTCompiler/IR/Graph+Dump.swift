extension Graph {
    /// One line per node: `%12 = linear(%3, %7, %8) [B·T,384]  backbone.layers[0].attention.output`.
    public func dump() -> String {
        var out = ""
        for node in nodes {
            var extra = node.attrs.description
            if node.kind.def.isParameter, let p = node.attrs.param, params.indices.contains(p) { extra = params[p].path }
            if let p = node.accumulatesInto { extra += (extra.isEmpty ? "" : " ") + "+=grad[\(p)]" }
            extra = extra.isEmpty ? "" : " " + extra
            let shapes = ([node.shape] + node.extraShapes).map(\.description).joined(separator: ", ")
            let args = node.inputs.map(\.description).joined(separator: ", ")
            let phase = node.phase == .backward ? " (bwd)" : ""
            out += "%\(node.id) = \(node.kind.rawValue)(\(args))\(extra) \(shapes)  \(node.name)\(phase)\n"
        }
        for (name, id) in outputs.sorted(by: { $0.key < $1.key }) { out += "output \(name) = %\(id)\n" }
        return out
    }

    /// Graphviz: ops as boxes, parameters as ellipses, backward nodes shaded.
    public func dot(title: String = "mtstc") -> String {
        var out = "digraph \"\(title)\" {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
        for node in nodes {
            let label = "\(node.kind.rawValue)\\n" + ([node.shape] + node.extraShapes).map(\.description).joined(separator: ", ")
            let style = if NodeStorage.of(node).isStore {
                "shape=ellipse, color=gray"
            } else if node.kind.def.isSource {
                "shape=invhouse"
            } else {
                node.phase == .backward ? "shape=box, style=filled, fillcolor=\"#f0e0e0\"" : "shape=box"
            }
            let tooltip = node.name.replacingOccurrences("\"", with: "'")
            out += "  n\(node.id) [label=\"\(label)\", tooltip=\"\(tooltip)\", \(style)];\n"
        }
        for node in nodes {
            for input in node.inputs {
                out += "  n\(input.node) -> n\(node.id)" + (input.output == 0 ? "" : " [label=\"\(input.output)\"]") + ";\n"
            }
        }
        for (name, id) in outputs.sorted(by: { $0.key < $1.key }) {
            out += "  \"out:\(name)\" [shape=plaintext];\n  n\(id) -> \"out:\(name)\";\n"
        }
        return out + "}\n"
    }
}
