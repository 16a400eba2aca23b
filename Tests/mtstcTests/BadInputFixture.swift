import Foundation

/// The files every bad-input case starts from: a valid 2-layer spec, its vocabulary, ATIS-format
/// data and a matching safetensors file. A case replaces or adds files by name.
enum BadInputFixture {
    /// Line numbers matter: expected messages quote positions in this text.
    static let spec = """
        name: t
        backbone:
          vocab_size: 65
          hidden_size: 16
          num_layers: 2
          num_heads: 2
          intermediate_size: 32
          max_position_embeddings: 64
        tokenizer:
          vocab: vocab.txt
          max_length: 32
        heads:
          intent:
            type: classification
            labels: [atis_flight, atis_airfare, atis_airline]
          slots:
            type: tagging
            labels: [O, B-x, I-x, B-y, I-y]
        training:
          epochs: 1
          batch_size: 4
        data:
          train: {format: atis, path: train.txt}
          eval: {format: atis, path: test.txt}

        """

    /// The base spec with each `(old, new)` replaced; `old` must occur in it.
    static func spec(_ edits: [(String, String)]) -> String {
        var text = spec
        for (old, new) in edits {
            precondition(text.contains(old), "the base spec has no '\(old)'")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    /// The base spec reading its backbone from `w.safetensors`.
    static func specWithWeights() -> String {
        spec([("  max_position_embeddings: 64\n", "  max_position_embeddings: 64\n  weights: w.safetensors\n")])
    }

    static let train = """
        show:O me:O flights:O from:O boston:B-x to:O denver:B-y <=> atis_flight
        what:O is:O the:O fare:O from:O atlanta:B-x to:O boston:B-y <=> atis_airfare
        which:O airline:O flies:O from:O dallas:B-x <=> atis_airline

        """

    static let files: [String: BadInputCase.Content] = [
        "spec.yaml": .text(spec),
        "vocab.txt": .copy("Graphs/tiny-vocab.txt"),
        "train.txt": .text(train),
        "test.txt": .text(train),
    ]

    // MARK: safetensors

    struct Tensor {
        var name: String
        var dtype = "F32"
        var shape: [Int]
        var value: Float = 0.01
    }

    /// The Hugging Face BERT tensors of the base spec's backbone.
    static var backbone: [Tensor] {
        var t: [Tensor] = [
            Tensor(name: "embeddings.word_embeddings.weight", shape: [65, 16]),
            Tensor(name: "embeddings.position_embeddings.weight", shape: [64, 16]),
            Tensor(name: "embeddings.token_type_embeddings.weight", shape: [2, 16]),
            Tensor(name: "embeddings.LayerNorm.weight", shape: [16], value: 1),
            Tensor(name: "embeddings.LayerNorm.bias", shape: [16], value: 0),
        ]
        for i in 0..<2 {
            let l = "encoder.layer.\(i)"
            for (name, out, input) in [("attention.self.query", 16, 16), ("attention.self.key", 16, 16),
                                       ("attention.self.value", 16, 16), ("attention.output.dense", 16, 16),
                                       ("intermediate.dense", 32, 16), ("output.dense", 16, 32)] {
                t.append(Tensor(name: "\(l).\(name).weight", shape: [out, input]))
                t.append(Tensor(name: "\(l).\(name).bias", shape: [out], value: 0))
            }
            for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
                t.append(Tensor(name: "\(l).\(norm).weight", shape: [16], value: 1))
                t.append(Tensor(name: "\(l).\(norm).bias", shape: [16], value: 0))
            }
        }
        return t
    }

    /// `backbone` with `change` applied to the tensor called `name`.
    static func backbone(changing name: String, _ change: (inout Tensor) -> Void) -> [Tensor] {
        backbone.map { tensor in
            var tensor = tensor
            if tensor.name == name { change(&tensor) }
            return tensor
        }
    }

    /// A safetensors file: 8-byte header length, JSON header, then every tensor's bytes (4 per
    /// element, whatever the dtype claims, so a wrong dtype still has consistent offsets).
    static func safetensors(_ tensors: [Tensor]) -> [UInt8] {
        var entries: [String] = []
        var data: [UInt8] = []
        for t in tensors {
            let count = t.shape.reduce(1, *)
            let begin = data.count
            for _ in 0..<count { withUnsafeBytes(of: t.value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            entries.append("\"\(t.name)\":{\"dtype\":\"\(t.dtype)\",\"shape\":\(t.shape),\"data_offsets\":[\(begin),\(data.count)]}")
        }
        return rawSafetensors(header: "{" + entries.joined(separator: ",") + "}", data: data)
    }

    static func rawSafetensors(header: String, data: [UInt8]) -> [UInt8] {
        let json = Array(header.utf8)
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        return out + json + data
    }
}
