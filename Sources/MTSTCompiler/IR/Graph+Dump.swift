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
}
