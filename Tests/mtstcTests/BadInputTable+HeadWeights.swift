/// `heads.<name>.weights`: a head that starts from a trained file must find its tensors and its
/// label list there, and the file may not change after compile.
extension BadInputTable {
    /// The base spec with the intent head starting from `h.safetensors` (the value sits at 16:14).
    static func specWithHeadWeights() -> String {
        fixture.spec([("    labels: [atis_flight, atis_airfare, atis_airline]\n",
                       "    labels: [atis_flight, atis_airfare, atis_airline]\n    weights: h.safetensors\n")])
    }

    static let intentHead: [BadInputFixture.Tensor] = [.init(name: "heads.intent.weight", shape: [3, 16]),
                                                       .init(name: "heads.intent.bias", shape: [3], value: 0)]
    static let planLabels = ["atis_flight", "atis_airfare", "atis_airline"]

    /// A heads file as `mtstc run` writes one: the tensors and the label lists in the metadata.
    static func heads(_ tensors: [BadInputFixture.Tensor], intentLabels: [String]? = planLabels) -> [String: Case.Content] {
        var metadata: [String: String] = ["format": "pt"]
        if let intentLabels {
            let list = intentLabels.map { "\\\"\($0)\\\"" }.joined(separator: ",")
            metadata["mtstc.labels"] = "{\\\"intent\\\":[\(list)]}"
        }
        return ["spec.yaml": .text(specWithHeadWeights()), "h.safetensors": .bytes(fixture.safetensors(tensors, metadata: metadata))]
    }

    static let headFix = "Point heads.intent.weights at the heads.safetensors (or checkpoint.safetensors) of a run of a spec with the same head."

    static let headWeightCases: [Case] = [
        Case(kind: .weights, title: "head weights file missing", files: ["spec.yaml": .text(specWithHeadWeights())],
             args: compile, firstLine: "error: spec.yaml:16:14: heads.intent.weights: h.safetensors does not exist",
             fix: "Train the run the head comes from first, or fix the path (it is relative to the spec)."),
        Case(kind: .weights, title: "truncated head weights file",
             files: ["spec.yaml": .text(specWithHeadWeights()), "h.safetensors": .bytes([1, 2, 3, 4])],
             args: compile, firstLine: "error: spec.yaml:16:14: heads.intent.weights: h.safetensors: truncated safetensors file: 4 bytes, shorter than the 8-byte header length",
             fix: headFix),
        Case(kind: .weights, title: "head weights file without the head's tensor", files: heads(intentHead.filter { $0.name != "heads.intent.weight" }),
             args: compile, firstLine: "error: spec.yaml:16:14: heads.intent.weights: h.safetensors: tensor heads.intent.weight is missing",
             fix: headFix),
        Case(kind: .weights, title: "head tensor of the wrong shape",
             files: heads([.init(name: "heads.intent.weight", shape: [4, 16]), .init(name: "heads.intent.bias", shape: [3])]),
             args: compile, firstLine: "error: spec.yaml:16:14: heads.intent.weights: h.safetensors: tensor heads.intent.weight has shape [4, 16], the spec expects [3, 16]",
             fix: "The head has one row per label: use a file trained with the same labels and backbone width."),
        Case(kind: .weights, title: "head tensor the spec's head does not have",
             files: heads(intentHead + [.init(name: "heads.intent.crf.transitions", shape: [3, 3])]),
             args: compile, firstLine: "error: spec.yaml:16:14: heads.intent.weights: h.safetensors: unexpected tensor heads.intent.crf.transitions (head intent of this spec has no such parameter)",
             fix: "Give the head the same type (and crf setting) as the head the file was trained with."),
        Case(kind: .weights, title: "head weights file without label lists", files: heads(intentHead, intentLabels: nil),
             args: compile, firstLine: "error: spec.yaml:16:14: heads.intent.weights: h.safetensors: no label list for head intent in the metadata (mtstc.labels); use a heads.safetensors or checkpoint.safetensors written by mtstc run",
             fix: headFix),
        Case(kind: .weights, title: "head weights trained with other labels",
             files: heads(intentHead, intentLabels: ["atis_flight", "atis_airfare", "atis_ground_service"]),
             args: compile, firstLine: "error: spec.yaml:16:14: heads.intent.weights: h.safetensors: the labels of head intent differ from the plan's: only in the file: 'atis_ground_service'; only in the plan: 'atis_airline'",
             fix: "Give the head the label list the file was trained with (with labels: from_data, the same training data)."),
        Case(kind: .weights, title: "head weights with the labels in another order",
             files: heads(intentHead, intentLabels: ["atis_airfare", "atis_flight", "atis_airline"]),
             args: compile, firstLine: "error: spec.yaml:16:14: heads.intent.weights: h.safetensors: the labels of head intent differ from the plan's: the same labels in another order (label 0 is 'atis_airfare' in the file, 'atis_flight' in the plan)",
             fix: "Row i of the head scores label i: list the labels in the file's order."),
        Case(kind: .weights, title: "head weights file changed after compile",
             files: heads(intentHead).merging(["h2.safetensors": .bytes(fixture.safetensors(intentHead.map { var t = $0; t.value = 0.5; return t },
                                                                                            metadata: ["mtstc.labels": "{\\\"intent\\\":[\\\"atis_flight\\\",\\\"atis_airfare\\\",\\\"atis_airline\\\"]}"]))]) { $1 },
             setup: compileSetup + [.copy("h2.safetensors", to: "h.safetensors")], args: embed,
             firstLine: "error: $DIR/h.safetensors: the weights of head intent changed since the plan was compiled (checksum differs); recompile the spec",
             fix: "Recompile the spec: the plan pins the head weights' checksum."),
    ]
}

extension BadInputFixture {
    /// `safetensors(_:)` with a `__metadata__` entry (keys and values already JSON-escaped).
    static func safetensors(_ tensors: [Tensor], metadata: [String: String]) -> [UInt8] {
        let plain = safetensors(tensors)
        let length = plain.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        let header = String(decoding: plain[8..<(8 + length)], as: UTF8.self)
        let fields = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
        let withMetadata = "{\"__metadata__\":{\(fields)}" + (header == "{}" ? "}" : "," + header.dropFirst())
        return rawSafetensors(header: withMetadata, data: Array(plain[(8 + length)...]))
    }
}
