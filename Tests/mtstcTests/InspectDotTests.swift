import Foundation
import Testing

/// `mtstc inspect --dot`: the picture parses, every parameter is named, nodes are clustered by
/// layer and section, and `--collapse layers` keeps exactly one layer's nodes, marked ×N.
struct InspectDotTests {
    /// The parts of a dot file the tests look at, read line by line as `Graph+Dot` writes it.
    struct Dot {
        var nodes: [String: String] = [:]  // id → label
        var clusterOf: [String: String] = [:]  // id → innermost cluster
        var clusters: [String: String] = [:]  // cluster → label
        var edges: [(from: String, to: String, attrs: String)] = []
        var balanced = true

        init(_ text: String) {
            var stack: [String] = []
            var depth = 0
            for raw in text.split(separator: "\n") {
                let line = raw.trimmingCharacters(in: .whitespaces)
                let unquoted = line.replacingOccurrences(of: #""([^"\\]|\\.)*""#, with: "\"\"", options: .regularExpression)
                depth += unquoted.filter { $0 == "{" }.count - unquoted.filter { $0 == "}" }.count
                if depth < 0 { balanced = false }
                if line.hasPrefix("subgraph ") {
                    stack.append(String(line.dropFirst(9).prefix { $0 != " " }))
                } else if line == "}" {
                    _ = stack.popLast()
                } else if line.hasPrefix("label="), let cluster = stack.last {
                    clusters[cluster] = Self.quoted(line, after: "label=")
                } else if let arrow = line.range(of: " -> ") {
                    let from = String(line[..<arrow.lowerBound])
                    let rest = line[arrow.upperBound...]
                    let to = String(rest.prefix { $0 != " " && $0 != ";" })
                    edges.append((from, to, String(rest.dropFirst(to.count))))
                } else if let open = line.firstIndex(of: "["), !line.hasPrefix("node ") && !line.hasPrefix("edge ") {
                    let id = String(line[..<open]).trimmingCharacters(in: .whitespaces)
                    nodes[id] = Self.quoted(line, after: "label=")
                    if let cluster = stack.last { clusterOf[id] = cluster }
                }
            }
            balanced = balanced && depth == 0
        }

        static func quoted(_ line: String, after key: String) -> String {
            guard let start = line.range(of: key + "\"") else { return "" }
            var out = "", escaped = false
            for c in line[start.upperBound...] {
                if escaped { out.append(c == "n" ? "\n" : c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { break } else { out.append(c) }
            }
            return out
        }

        func nodes(in cluster: String) -> [String] { clusterOf.filter { $0.value == cluster }.map(\.key) }
    }

    static let plan: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-dot-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let plan = dir.appendingPathComponent("tiny.plan").path
        _ = try? CLI.run(["compile", "Graphs/tiny.yaml", "-o", plan])
        return plan
    }()

    func dot(_ arguments: [String]) throws -> (text: String, dot: Dot) {
        let r = try CLI.run(["inspect", Self.plan, "--dot"] + arguments)
        try #require(r.status == 0, "\(r.stderr)")
        let dot = Dot(r.stdout)
        #expect(dot.balanced, "unbalanced braces")
        for edge in dot.edges {
            #expect(dot.nodes[edge.from] != nil || edge.from.hasPrefix("\"out:"), "edge from undeclared \(edge.from)")
            #expect(dot.nodes[edge.to] != nil, "edge to undeclared \(edge.to)")
        }
        return (r.stdout, dot)
    }

    @Test func inferenceIsClusteredByLayerAndNamesEveryParameter() throws {
        let (text, d) = try dot([])
        #expect(text.hasPrefix("digraph \"tiny inference\" {"))
        #expect(Set(d.clusters.keys) == ["cluster_embeddings", "cluster_layer_0", "cluster_layer_1", "cluster_pooling", "cluster_head_intent", "cluster_head_slots"])
        #expect(d.clusters["cluster_layer_1"] == "layer 1")
        let params = d.nodes.values.filter { $0.hasPrefix("backbone.") || $0.hasPrefix("heads.") }
        #expect(params.contains("backbone.layers[1].attention.qkv.weight [48,16]"))
        #expect(params.contains("backbone.embeddings.word_embeddings.weight [65,16]"))
        for label in d.nodes.values where label.hasPrefix("param") { Issue.record("unnamed parameter: \(label)") }
        // Every parameter node sits in the cluster of its part; every node of layer 1 in cluster_layer_1.
        for (id, label) in d.nodes where label.hasPrefix("backbone.layers[1].") {
            #expect(d.clusterOf[id] == "cluster_layer_1", "\(label)")
        }
        #expect(d.nodes(in: "cluster_layer_0").count == d.nodes(in: "cluster_layer_1").count)
        // Ops carry their kind and output shape.
        #expect(d.nodes.values.contains { $0.hasPrefix("attentionProbs") && $0.contains("[2·B,T,T]") })
    }

    @Test func trainingIsClusteredByForwardBackwardAndOptimizer() throws {
        let (_, d) = try dot(["--program", "training"])
        for section in ["forward", "backward", "optimizer"] {
            #expect(d.clusters["cluster_\(section)"] == section)
        }
        for layer in 0..<2 {
            #expect(!d.nodes(in: "cluster_layer_\(layer)").isEmpty)
            #expect(!d.nodes(in: "cluster_backward_layer_\(layer)").isEmpty)
            #expect(!d.nodes(in: "cluster_optimizer_layer_\(layer)").isEmpty)
        }
        // The optimizer names the parameter and the buffers each update reads, and each
        // gradient the backward pass accumulates leads to it.
        let update = d.nodes(in: "cluster_optimizer_layer_0").compactMap { d.nodes[$0] }
        #expect(update.contains("adamw\nbackbone.layers[0].ffn.output.weight [16,32]\nreads param, ∇, m, v"), "\(update)")
        #expect(d.edges.contains { $0.from.hasPrefix("n") && $0.to.hasPrefix("u") })
    }

    @Test func collapseKeepsOneLayerMarkedTimesN() throws {
        let (_, full) = try dot(["--program", "training"])
        let (_, d) = try dot(["--program", "training", "--collapse", "layers"])
        for section in ["", "backward_", "optimizer_"] {
            #expect(d.nodes(in: "cluster_\(section)layer_1").isEmpty)
            #expect(d.nodes(in: "cluster_\(section)layer_0").count == full.nodes(in: "cluster_\(section)layer_0").count)
            #expect(d.clusters["cluster_\(section)layer_0"]?.contains("×2") == true, "\(d.clusters)")
        }
        #expect(!d.nodes.values.contains { $0.contains("layers[1]") })
        let folded = full.nodes.count - d.nodes.count
        #expect(folded == ["", "backward_", "optimizer_"].map { full.nodes(in: "cluster_\($0)layer_1").count }.reduce(0, +))
        #expect(d.edges.contains { $0.attrs.contains("next layer") })
        // The layers' inputs and outputs stay connected: the pooling reads the drawn layer.
        let pooling = try #require(d.nodes(in: "cluster_pooling").first { d.nodes[$0]?.hasPrefix("meanPool") == true })
        #expect(d.edges.contains { $0.to == pooling && d.clusterOf[$0.from] == "cluster_layer_0" })
    }

    static let dotPath = ["/usr/bin/dot", "/usr/local/bin/dot", "/opt/homebrew/bin/dot"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: dotPath != nil, "Graphviz `dot` is not installed"))
    func graphvizRendersTheTinyTrainingGraph() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for collapse in [[], ["--collapse", "layers"]] {
            let (text, _) = try dot(["--program", "training"] + collapse)
            let input = dir.appendingPathComponent("g.dot"), output = dir.appendingPathComponent("g.svg")
            try text.write(to: input, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(Self.dotPath))
            process.arguments = ["-Tsvg", input.path, "-o", output.path]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let svg = try String(contentsOf: output, encoding: .utf8)
            #expect(svg.contains("<svg") && svg.contains("cluster_layer_0"))
        }
    }

    @Test func collapseNeedsDot() throws {
        let r = try CLI.run(["inspect", Self.plan, "--collapse", "layers"])
        #expect(r.status != 0 && r.stderr.contains("--collapse only applies to --dot"))
        let bad = try CLI.run(["inspect", Self.plan, "--dot", "--collapse", "heads"])
        #expect(bad.status != 0 && bad.stderr.contains("--collapse"))
    }
}
