/// The one registry of backbones and heads. Adding an architecture or a head kind is one file
/// plus one entry here.
public enum Architectures {
    public static let backbones: [any Backbone.Type] = [BERT.self, DistilBERT.self, MPNet.self]
    public static let heads: [any Head.Type] = [ClassificationHead.self, TaggingHead.self, CRFTaggingHead.self, ContrastiveHead.self]

    /// The backbone a spec gets when neither `backbone.architecture` nor a config.json names one.
    public static let defaultBackbone: any Backbone.Type = BERT.self

    public static func backbone(named name: String) -> (any Backbone.Type)? {
        backbones.first { $0.name == name }
    }

    public static func backbone(modelType: String) -> (any Backbone.Type)? {
        backbones.first { $0.modelTypes.contains(modelType) }
    }

    public static func head(_ kind: TaskHead.Kind, crf: Bool = false) -> any Head.Type {
        guard let head = heads.first(where: { $0.kind == kind && $0.crf == crf }) else {
            preconditionFailure("head kind \(kind.rawValue)\(crf ? " with a CRF" : "") is not in Architectures.heads")
        }
        return head
    }

    /// The part that implements `head`.
    public static func head(for head: TaskHead) -> any Head.Type { self.head(head.kind, crf: head.crf) }

    public static var backboneNames: [String] { backbones.map { $0.name } }
}
