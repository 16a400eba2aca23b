extension Graph {
    /// One line per node: `%12 = linear(%3, %7, %8) [B·T,384]  backbone.layers[0].attention.output`.
    public func dump() -> String {
        var out = ""
        for node in nodes {
            var extra = ""
            switch node.kind {
            case .param: extra = " " + (node.attrs.param.map { params[$0].path } ?? "?")
            case .input: extra = " " + (node.attrs.input?.description ?? "?")
            case .attentionProbs, .attentionContext:
                extra = " heads=\(node.attrs.heads) d=\(node.attrs.headDim) q@\(node.attrs.qOffset) k@\(node.attrs.kOffset) v@\(node.attrs.vOffset)"
            case .dropout, .dropoutGrad: extra = " p=\(node.attrs.dropout)"
            case .matmul: extra = " \(node.attrs.transA ? "T" : "N")\(node.attrs.transB ? "T" : "N")"
            default: break
            }
            let args = node.inputs.map { "%\($0)" }.joined(separator: ", ")
            let phase = node.phase == .backward ? " (bwd)" : ""
            out += "%\(node.id) = \(node.kind.rawValue)(\(args))\(extra) \(node.shape)  \(node.name)\(phase)\n"
        }
        for (name, id) in outputs.sorted(by: { $0.key < $1.key }) { out += "output \(name) = %\(id)\n" }
        return out
    }

    /// Graphviz: ops as boxes, parameters as ellipses, backward nodes shaded.
    public func dot(title: String = "mtstc") -> String {
        var out = "digraph \"\(title)\" {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
        for node in nodes {
            let label = "\(node.kind.rawValue)\\n\(node.shape)"
            let style: String
            switch node.kind {
            case .param: style = "shape=ellipse, color=gray"
            case .input, .constant: style = "shape=invhouse"
            default: style = node.phase == .backward ? "shape=box, style=filled, fillcolor=\"#f0e0e0\"" : "shape=box"
            }
            let tooltip = node.name.replacingOccurrences("\"", with: "'")
            out += "  n\(node.id) [label=\"\(label)\", tooltip=\"\(tooltip)\", \(style)];\n"
        }
        for node in nodes {
            for input in node.inputs { out += "  n\(input) -> n\(node.id);\n" }
        }
        for (name, id) in outputs.sorted(by: { $0.key < $1.key }) {
            out += "  \"out:\(name)\" [shape=plaintext];\n  n\(id) -> \"out:\(name)\";\n"
        }
        return out + "}\n"
    }
}
