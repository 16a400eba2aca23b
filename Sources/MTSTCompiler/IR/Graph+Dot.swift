/// Graphviz pictures of a program (`mtstc inspect --dot`). Parameters are named by their mtstc
/// path and shape, ops by kind and output shape; nodes are clustered by section (forward,
/// backward, optimizer) and, inside a section, by the part of the model they belong to
/// (`cluster_layer_3`, embeddings, pooling, each head). `collapse: .layers` draws one encoder
/// layer per section, marked ×N, and folds the others onto it.
///
/// Kept fast for `dot` on the MiniLM training graph: reads of forward values by backward nodes
/// (saved activations, weights) and the links into the optimizer do not constrain the ranking,
/// so each section is laid out along its own chain instead of one tangle of long edges; the
/// optimizer section is drawn compactly (`addOptimizer`); and edges are straight lines.
public enum DotCollapse: String, CaseIterable, Sendable {
    case layers
}

extension Graph {
    /// `update`, when given, is the training program's optimizer program, drawn as a third section.
    public func dot(title: String = "mtstc", collapse: DotCollapse? = nil, update: Graph? = nil) -> String {
        var writer = DotWriter(collapse: collapse)
        writer.add(self, prefix: "n")
        if let update { writer.add(update, prefix: "u", optimizer: true) }
        writer.linkGradients(from: self, prefix: "n", to: update, prefix: "u")
        return writer.render(title: title)
    }
}

/// Where a node is drawn: its section and its part of the model.
struct DotPlace: Hashable, Comparable {
    enum Section: Int, Comparable {
        case forward, backward, optimizer
        static func < (a: Section, b: Section) -> Bool { a.rawValue < b.rawValue }
        var name: String { ["forward", "backward", "optimizer"][rawValue] }
    }

    /// Parts in drawing order: inputs and other unplaced nodes, embeddings, layers, pooling, heads.
    enum Part: Hashable, Comparable {
        case none, embeddings, layer(Int), pooling, head(String)

        /// The part a node or parameter name belongs to: `backbone.layers[3].…` is layer 3,
        /// `grad.heads.slots.…` is head `slots`.
        init(name: String) {
            var n = Substring(name)
            if n.hasPrefix("grad.") { n = n.dropFirst(5) }
            if n.hasPrefix("backbone.layers["), let close = n.firstIndex(of: "]"),
               let layer = Int(n[n.index(n.startIndex, offsetBy: 16)..<close]) {
                self = .layer(layer)
            } else if n.hasPrefix("backbone.embeddings") {
                self = .embeddings
            } else if n.hasPrefix("pooling") {
                self = .pooling
            } else if n.hasPrefix("heads.") {
                self = .head(String(n.dropFirst(6).prefix { $0 != "." }))
            } else {
                self = .none
            }
        }

        var layer: Int? { if case .layer(let i) = self { i } else { nil } }

        var rank: Int {
            switch self {
            case .none: 0
            case .embeddings: 1
            case .layer: 2
            case .pooling: 3
            case .head: 4
            }
        }

        static func < (a: Part, b: Part) -> Bool {
            if a.rank != b.rank { return a.rank < b.rank }
            switch (a, b) {
            case let (.layer(x), .layer(y)): return x < y
            case let (.head(x), .head(y)): return x < y
            default: return false
            }
        }
    }

    var section: Section
    var part: Part

    static func < (a: DotPlace, b: DotPlace) -> Bool { (a.section, a.part) < (b.section, b.part) }
}

struct DotWriter {
    struct Entry {
        var id: String
        var place: DotPlace
        var label: String
        var tooltip: String
        var style: String
        /// Name with the layer index taken out: a folded layer's node maps to the drawn layer's
        /// node of the same key.
        var twinKey: String
    }

    struct Edge: Hashable {
        var from: String, to: String
        var label = ""
        /// Drawn, but left out of the ranking (reads across sections).
        var loose = false
        /// A folded layer's edge into the next layer, drawn once as the loop back.
        var nextLayer = false
        /// Only orders nodes (stacks a cluster's nodes in a column).
        var invisible = false
    }

    let collapse: DotCollapse?
    var entries: [Entry] = []
    var edges: [Edge] = []
    var outputs: [(name: String, node: String)] = []
    var hasSections = false

    init(collapse: DotCollapse?) { self.collapse = collapse }

    mutating func add(_ graph: Graph, prefix: String, optimizer: Bool = false) {
        if optimizer {
            addOptimizer(graph, prefix: prefix)
            return
        }
        if graph.nodes.contains(where: { $0.phase == .backward }) { hasSections = true }
        for node in graph.nodes {
            let section: DotPlace.Section = node.phase == .backward ? .backward : .forward
            let param = node.param.flatMap { graph.params.indices.contains($0) ? graph.params[$0] : nil }
            let isStore = NodeStorage.of(node).isStore
            // Parameters belong where their parameter does; a backward op by its name.
            let part = isStore ? DotPlace.Part(name: param?.path ?? node.name) : DotPlace.Part(name: node.name)
            let key = Self.withoutLayer(isStore ? "\(node.kind.rawValue) \(param?.path ?? node.name)" : node.name)
            entries.append(Entry(id: "\(prefix)\(node.id)", place: DotPlace(section: section, part: part),
                                 label: Self.label(node, param: param, isStore: isStore), tooltip: node.name,
                                 style: Self.style(node, param: param, isStore: isStore), twinKey: "\(section.rawValue) \(key)"))
            for input in node.inputs {
                let crossing = node.phase == .backward && graph.nodes[input.node].phase != .backward
                edges.append(Edge(from: "\(prefix)\(input.node)", to: "\(prefix)\(node.id)",
                                  label: input.output == 0 ? "" : "\(input.output)", loose: crossing))
            }
        }
        outputs = graph.outputs.sorted { $0.key < $1.key }.map { ($0.key, "\(prefix)\($0.value)") }
    }

    /// The update program is the same few nodes per parameter, a hundred times over. Drawn node
    /// for node it is one rank a hundred parameters wide, so its buffers (the parameter, its
    /// gradient, the method's state) are named in the label of the op that reads them, the step
    /// input is left out, the global clip's fan-in and fan-out do not constrain the ranking, and
    /// each layer's ops are stacked in one column.
    mutating func addOptimizer(_ graph: Graph, prefix: String) {
        hasSections = true
        var lastInPart: [DotPlace.Part: String] = [:]
        for node in graph.nodes where !NodeStorage.of(node).isStore && !node.kind.def.isSource {
            let param = node.param.flatMap { graph.params.indices.contains($0) ? graph.params[$0] : nil }
            let part = DotPlace.Part(name: param?.path ?? node.name)
            let id = "\(prefix)\(node.id)"
            // An update writes its parameter in place: it has no output to show.
            var label = node.kind.rawValue + (node.shape.description == "[]" ? "" : "\n\(node.shape)")
            if let param { label += "\n\(param.path) [\(param.shape.map(String.init).joined(separator: ","))]" }
            let buffers = node.inputs.map { graph.nodes[$0.node] }.filter { NodeStorage.of($0).isStore }.map(Self.bufferName)
            if !buffers.isEmpty { label += "\nreads " + buffers.joined(separator: ", ") }
            entries.append(Entry(id: id, place: DotPlace(section: .optimizer, part: part), label: Self.escape(label),
                                 tooltip: node.name, style: "shape=box, style=filled, fillcolor=\"#e0eef0\"",
                                 twinKey: "\(DotPlace.Section.optimizer.rawValue) \(Self.withoutLayer(node.name))"))
            for input in node.inputs where !NodeStorage.of(graph.nodes[input.node]).isStore && !graph.nodes[input.node].kind.def.isSource {
                edges.append(Edge(from: "\(prefix)\(input.node)", to: id, loose: true))
            }
            if part != .none, let previous = lastInPart[part] { edges.append(Edge(from: previous, to: id, invisible: true)) }
            lastInPart[part] = id
        }
    }

    /// `param`, `∇`, `m`, `v`: a buffer the update reads, as its reader's label lists it.
    static func bufferName(_ node: Node) -> String {
        switch node.kind {
        case .gradient: "∇"
        case .paramState: stateName(node.attrs.optimizer)
        default: "param"
        }
    }

    /// Backward nodes that add into a parameter's gradient buffer feed the optimizer's first
    /// read of it (the gradient's squared norm).
    mutating func linkGradients(from training: Graph, prefix: String, to update: Graph?, prefix updatePrefix: String) {
        guard let update else { return }
        var readers: [String: NodeID] = [:]
        for node in update.nodes {
            for input in node.inputs where update.nodes[input.node].kind == .gradient {
                if let p = update.nodes[input.node].param, update.params.indices.contains(p), readers[update.params[p].path] == nil {
                    readers[update.params[p].path] = node.id
                }
            }
        }
        for node in training.nodes {
            guard let p = node.accumulatesInto ?? (node.kind == .gradAccumulate ? node.param : nil),
                  training.params.indices.contains(p), let reader = readers[training.params[p].path] else { continue }
            edges.append(Edge(from: "\(prefix)\(node.id)", to: "\(updatePrefix)\(reader)", loose: true))
        }
    }

    static func label(_ node: Node, param: ParamEntry?, isStore: Bool) -> String {
        if isStore, let param {
            let what = node.kind == .param ? "" : bufferName(node) + " "
            return escape("\(what)\(param.path) [\(param.shape.map(String.init).joined(separator: ","))]")
        }
        if node.kind.def.isSource { return escape("\(node.kind.rawValue) \(node.name)\n\(node.shape)") }
        var label = node.kind.rawValue
        let extra = node.attrs.description
        if !extra.isEmpty && extra.count <= 24 { label += " " + extra }
        label += "\n" + ([node.shape] + node.extraShapes).map(\.description).joined(separator: ", ")
        if let param, node.accumulatesInto != nil || node.kind == .gradAccumulate { label += "\n+= ∇ " + param.path }
        return escape(label)
    }

    /// `m`, `v`, `velocity`: which of the method's buffers a `paramState` node is.
    static func stateName(_ o: OptimizerAttributes?) -> String {
        guard let o, let names = o.method?.stateNames, names.indices.contains(o.stateSlot) else { return "state" }
        return names[o.stateSlot]
    }

    static func style(_ node: Node, param: ParamEntry?, isStore: Bool) -> String {
        if isStore {
            let frozen = node.kind == .param && param?.trains == false
            return frozen ? "shape=ellipse, color=gray, fontcolor=gray, style=dashed" : "shape=ellipse, color=gray40"
        }
        if node.kind.def.isSource { return "shape=invhouse" }
        return node.phase == .backward ? "shape=box, style=filled, fillcolor=\"#f0e0e0\"" : "shape=box"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences("\\", with: "\\\\").replacingOccurrences("\"", with: "\\\"").replacingOccurrences("\n", with: "\\n")
    }

    /// `backbone.layers[3].attention.probs` → `backbone.layers[#].attention.probs`.
    static func withoutLayer(_ name: String) -> String {
        guard let open = name.range(of: "layers["), let close = name[open.upperBound...].firstIndex(of: "]") else { return name }
        return String(name[..<open.upperBound]) + "#" + String(name[close...])
    }

    /// With `collapse: .layers`, per section the lowest layer drawn and how many layers it stands for.
    func drawnLayers() -> [DotPlace.Section: (layer: Int, layers: [Int])] {
        guard collapse == .layers else { return [:] }
        var layers: [DotPlace.Section: Set<Int>] = [:]
        for e in entries { if let l = e.place.part.layer { layers[e.place.section, default: []].insert(l) } }
        return layers.compactMapValues { set in set.min().map { ($0, set.sorted()) } }
    }

    func render(title: String) -> String {
        let drawn = drawnLayers()
        // Folded nodes map to their twin in the drawn layer; nil drops a node with no twin.
        var twinOf: [String: String] = [:]
        for e in entries where drawn[e.place.section]?.layer == e.place.part.layer { twinOf[e.twinKey] = e.id }
        var mapped: [String: String?] = [:]
        var kept: [Entry] = []
        for e in entries {
            if let l = e.place.part.layer, let d = drawn[e.place.section], l != d.layer {
                mapped[e.id] = .some(twinOf[e.twinKey])
            } else {
                mapped[e.id] = .some(e.id)
                kept.append(e)
            }
        }
        let layerOf = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0.place.part.layer) })

        var out = "digraph \"\(Self.escape(title))\" {\n"
        // Routing hundreds of non-constraint edges as splines around clusters is what makes dot
        // slow (MiniLM training: 42 s of CPU with splines, 3 s with straight lines), so pictures
        // with sections draw straight edges.
        out += "  rankdir=TB; newrank=true; mclimit=0.5; nslimit=4; remincross=false;\(hasSections ? " splines=line;" : "")\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [arrowsize=0.6];\n"
        let groups = Dictionary(grouping: kept, by: \.place)
        var section: DotPlace.Section?
        for place in groups.keys.sorted() {
            if hasSections && place.section != section {
                if section != nil { out += "  }\n" }
                section = place.section
                out += "  subgraph cluster_\(place.section.name) {\n    label=\"\(place.section.name)\"; fontsize=14; style=rounded; color=gray60;\n"
            }
            let indent = hasSections ? "    " : "  "
            let cluster = Self.clusterName(place, sectioned: hasSections)
            if let cluster {
                out += "\(indent)subgraph \(cluster) {\n\(indent)  label=\"\(Self.escape(Self.clusterLabel(place, drawn: drawn[place.section])))\"; style=filled; fillcolor=\"#f6f6fb\"; color=gray70;\n"
            }
            for e in groups[place] ?? [] {
                out += "\(indent)\(cluster == nil ? "" : "  ")\(e.id) [label=\"\(e.label)\", tooltip=\"\(Self.escape(e.tooltip))\", \(e.style)];\n"
            }
            if cluster != nil { out += "\(indent)}\n" }
        }
        if section != nil { out += "  }\n" }

        var seen = Set<Edge>()
        for var edge in edges {
            guard let from = mapped[edge.from] ?? nil, let to = mapped[edge.to] ?? nil, from != to else { continue }
            if from != edge.from || to != edge.to {
                // Folded: an edge from one layer into the next becomes the drawn layer's loop back.
                if let a = layerOf[edge.from] ?? nil, let b = layerOf[edge.to] ?? nil, a != b {
                    edge.nextLayer = true
                    edge.label = ""
                }
            }
            edge.from = from
            edge.to = to
            guard seen.insert(edge).inserted else { continue }
            var attrs: [String] = []
            // Which output a loose edge reads goes in its tooltip: labels of long edges land far away.
            if !edge.label.isEmpty { attrs.append("\(edge.loose ? "tooltip" : "label")=\"\(edge.label)\"") }
            if edge.nextLayer { attrs += ["label=\"next layer\"", "style=dashed", "color=blue", "constraint=false"] }
            if edge.loose { attrs += ["style=dotted", "color=gray50", "constraint=false"] }
            if edge.invisible { attrs.append("style=invis") }
            out += "  \(from) -> \(to)" + (attrs.isEmpty ? "" : " [\(attrs.joined(separator: ", "))]") + ";\n"
        }
        for (name, node) in outputs {
            guard let id = mapped[node] ?? nil else { continue }
            out += "  \"out:\(Self.escape(name))\" [shape=plaintext];\n  \(id) -> \"out:\(Self.escape(name))\";\n"
        }
        return out + "}\n"
    }

    /// `cluster_layer_3` (inference; the forward section too), `cluster_backward_layer_3`,
    /// `cluster_optimizer_layer_3`; nil for nodes outside every part (inputs, the loss sum).
    static func clusterName(_ place: DotPlace, sectioned: Bool) -> String? {
        let base: String
        switch place.part {
        case .none: return nil
        case .embeddings: base = "embeddings"
        case .layer(let i): base = "layer_\(i)"
        case .pooling: base = "pooling"
        case .head(let name): base = "head_" + String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        }
        return place.section == .forward ? "cluster_\(base)" : "cluster_\(place.section.name)_\(base)"
    }

    static func clusterLabel(_ place: DotPlace, drawn: (layer: Int, layers: [Int])?) -> String {
        switch place.part {
        case .none: return ""
        case .embeddings: return "embeddings"
        case .layer(let i):
            guard let drawn, drawn.layers.count > 1, let last = drawn.layers.last else { return "layer \(i)" }
            return "layer \(i) ×\(drawn.layers.count) (layers \(drawn.layer)–\(last) folded onto it)"
        case .pooling: return "pooling"
        case .head(let name): return "head \(name)"
        }
    }
}
