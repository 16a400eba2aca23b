import Foundation
import Testing
@testable import MTSTCompiler

/// The description each backbone and head gives of its parameters is the list its lowering
/// declares: same paths, same order, same shapes, checkpoint names, layers and initialisers.
@Suite struct ArchitectureDescriptionTests {
    static let backboneNames = Architectures.backbones.map { $0.name }

    static func model(_ architecture: String, normalize: NormalizeKind = .layerNorm, kinds: [TaskHead.Kind] = TaskHead.Kind.allCases) -> ModelConfig {
        let backbone = Architectures.backbone(named: architecture)
        return ModelConfig(architecture: architecture, vocabSize: 50, hidden: 8, layers: 3, heads: 2, intermediate: 16,
                           maxPositions: 16, typeVocabSize: backbone?.tokenizer.tokenTypes == false ? 0 : 2, layerNormEps: 1e-12,
                           hiddenDropout: 0.1, attentionDropout: 0.1, initStd: 0.5, pooling: .mean, normalize: normalize,
                           taskHeads: kinds.enumerated().map { i, kind in
                               TaskHead(name: "h\(i)", kind: kind, dropout: 0.1, labels: ["a", "b", "c"], lossWeight: 1)
                           })
    }

    @Test(arguments: backboneNames, [Lowering.Mode.inference, .training])
    func lowering_declares_exactly_the_description(_ architecture: String, mode: Lowering.Mode) throws {
        for normalize in [NormalizeKind.layerNorm, .l2] {
            let m = Self.model(architecture, normalize: normalize)
            let described = try ModelDescription.parameters(m)
            let graph = try Lowering.lower(m, mode: mode, maxBatch: 2, maxSeq: 5)
            #expect(graph.params.map(\.path) == described.map(\.path), "\(architecture): lowered vs described paths")
            #expect(graph.params == described, "\(architecture): lowered vs described entries")
            // Every described parameter is an input of some op (none declared and left unused).
            let used = Set(graph.nodes.flatMap { $0.inputs.map(\.node) })
            for (id, node) in graph.nodes.enumerated() where node.kind == .param {
                #expect(used.contains(id), "\(architecture): \(node.name) is declared but unused")
            }
        }
    }

    @Test(arguments: backboneNames)
    func description_is_well_formed(_ architecture: String) throws {
        let m = Self.model(architecture)
        let params = try ModelDescription.parameters(m)
        #expect(Set(params.map(\.path)).count == params.count, "paths are unique")
        let names = params.compactMap(\.checkpointName)
        #expect(names.count == params.count && Set(names).count == names.count, "every parameter has its own checkpoint name")
        let backbone = try #require(Architectures.backbone(named: architecture))
        // Layer parameters say their layer; the description of layer i is layer 0's renamed.
        for i in 0..<m.layers {
            let layer = backbone.layerParameters(i, m)
            #expect(layer.allSatisfy { $0.layer == i && !$0.isEmbedding && !$0.isHead })
            #expect(layer.map(\.shape) == backbone.layerParameters(0, m).map(\.shape))
        }
        #expect(backbone.embeddingParameters(m).allSatisfy { $0.isEmbedding && $0.layer == nil })
        // The backbone's own checkpoint tensors are never ones it would skip.
        #expect(!backbone.parameters(m).contains { backbone.ignoresCheckpointTensor($0.checkpointName ?? "") })
    }

    @Test func registry_has_one_head_per_kind_and_unique_names() {
        for kind in TaskHead.Kind.allCases {
            #expect(Architectures.heads.filter { $0.kind == kind && !$0.crf }.count == 1, "\(kind.rawValue)")
            #expect(Architectures.heads.filter { $0.kind == kind && $0.crf }.count <= 1, "\(kind.rawValue) with a CRF")
        }
        #expect(Set(Self.backboneNames).count == Self.backboneNames.count)
        let types = Architectures.backbones.flatMap { $0.modelTypes }
        #expect(Set(types).count == types.count, "a model_type selects one backbone")
    }

    @Test func a_parameter_the_description_does_not_list_is_refused() throws {
        var l = Lowering(model: Self.model("bert"), mode: .inference, graph: Graph(maxBatch: 1, maxSeq: 1), described: [:])
        #expect(throws: GraphError.self) { try l.param("backbone.embeddings.word_embeddings.weight", origin: "backbone") }
    }

    @Test func spec_parameter_list_matches_the_lowered_one() throws {
        for architecture in Self.backboneNames {
            let yaml = edited("backbone:\n", "backbone:\n  architecture: \(architecture)\n")
            let spec = try parseSpec(yaml)
            let fromSpec = ModelDescription.parameters(for: spec, headClasses: ["slots": 4])
            let m = ModelConfig(spec: spec, labels: ["slots": ["O", "B-x", "I-x", "B-y"]])
            let lowered = try Lowering.lower(m, mode: .training, maxBatch: 2, maxSeq: 5).params
            #expect(fromSpec == lowered, "\(architecture)")
            #expect(ModelDescription.totalElements(spec, headClasses: ["slots": 4]) == lowered.map(\.count).reduce(0, +))
        }
    }
}

/// Docs/SPEC.md's list of parameter paths is the description's, so rules written from the docs
/// select what the lowering declares.
@Suite struct ParameterPathDocsTests {
    /// `a.{b,c}.{d,e}` → `a.b.d`, `a.b.e`, `a.c.d`, `a.c.e`.
    static func expand(_ pattern: String) -> [String] {
        guard let open = pattern.firstIndex(of: "{"), let close = pattern[open...].firstIndex(of: "}") else { return [pattern] }
        let head = pattern[..<open], tail = String(pattern[pattern.index(after: close)...])
        return pattern[pattern.index(after: open)..<close].split(separator: ",").flatMap { expand(head + $0 + tail) }
    }

    @Test func specDocumentListsExactlyTheDescribedPaths() throws {
        let text = try String(contentsOfFile: "\(repoRoot())/Docs/SPEC.md", encoding: .utf8)
        let section = try #require(text.components(separatedBy: "### Parameter paths").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```").dropFirst().first)
        let documented = Set(block.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }.flatMap(Self.expand))

        var described = Set<String>()
        for backbone in Architectures.backbones {
            var m = ArchitectureDescriptionTests.model(backbone.name, normalize: .layerNorm, kinds: [.classification])
            m.taskHeads[0].name = "<name>"
            let paths = try ModelDescription.parameters(m).map {
                $0.path.replacingOccurrences(of: #"layers\[\d+\]"#, with: "layers[i]", options: .regularExpression)
            }
            described.formUnion(paths)
        }
        // Every registered head part (a CRF tagging head adds its scores).
        for head in Architectures.heads {
            var m = ArchitectureDescriptionTests.model(BERT.name, normalize: .layerNorm, kinds: [head.kind])
            m.taskHeads[0].name = "<name>"
            m.taskHeads[0].crf = head.crf
            described.formUnion(try ModelDescription.parameters(m).map(\.path).filter { $0.hasPrefix("heads.") })
        }
        #expect(documented == described, "only in the docs: \(documented.subtracting(described).sorted()); only described: \(described.subtracting(documented).sorted())")
    }
}
