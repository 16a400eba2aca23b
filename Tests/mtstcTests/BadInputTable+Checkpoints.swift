/// Checkpoints given to `predict --weights` and `embed --weights`, and run folders that would
/// replace another model's files.
extension BadInputTable {
    static func checkpoint(_ tensors: [BadInputFixture.Tensor]) -> [String: Case.Content] {
        ["c.safetensors": .bytes(fixture.safetensors(tensors))]
    }

    static let predictWith = ["predict", "--graph", "p.plan", "--weights", "c.safetensors", "hi"]
    static let embedWith = ["embed", "--graph", "p.plan", "--weights", "c.safetensors", "hi"]
    static let passTheRun = "Pass the run folder (or its checkpoint.safetensors) that `mtstc run` wrote for this plan."

    static let checkpointCases: [Case] = [
        Case(kind: .weights, title: "truncated checkpoint given to predict", files: ["c.safetensors": .bytes([1, 2, 3, 4])],
             setup: compileSetup, args: predictWith,
             firstLine: "error: c.safetensors: truncated safetensors file: 4 bytes, shorter than the 8-byte header length", fix: passTheRun),
        Case(kind: .weights, title: "backbone without heads given to predict", files: checkpoint(fixture.backbone),
             setup: compileSetup, args: predictWith,
             firstLine: "error: c.safetensors: tensor heads.intent.weight is missing",
             fix: "predict needs the heads: pass the run folder (or its checkpoint.safetensors) that `mtstc run` wrote for this plan; `embed --weights` takes a backbone alone."),
        Case(kind: .weights, title: "checkpoint tensor of the wrong shape given to embed",
             files: checkpoint(fixture.backbone(changing: "embeddings.word_embeddings.weight") { $0.shape = [64, 16] }),
             setup: compileSetup, args: embedWith,
             firstLine: "error: c.safetensors: tensor embeddings.word_embeddings.weight has shape [64, 16], the spec expects [65, 16]", fix: passTheRun),
        Case(kind: .weights, title: "checkpoint missing a backbone tensor given to embed",
             files: checkpoint(fixture.backbone.filter { $0.name != "encoder.layer.1.output.dense.bias" }),
             setup: compileSetup, args: embedWith,
             firstLine: "error: c.safetensors: tensor encoder.layer.1.output.dense.bias is missing", fix: passTheRun),
        Case(kind: .weights, title: "another architecture's checkpoint given to embed",
             files: checkpoint(fixture.backbone + [.init(name: "transformer.layer.0.attention.q_lin.weight", shape: [16, 16])]),
             setup: compileSetup, args: embedWith,
             firstLine: "error: c.safetensors: unexpected tensor transformer.layer.0.attention.q_lin.weight (not part of a bert backbone or this spec's heads)",
             fix: passTheRun),
        Case(kind: .weights, title: "--weights names a folder that holds no run", files: ["d": .directory],
             setup: compileSetup, args: ["predict", "--graph", "p.plan", "--weights", "d", "hi"],
             firstLine: "error: d: a folder without checkpoint.safetensors or a 'latest' snapshot; --weights takes a run folder, a snapshot folder or a checkpoint file",
             fix: passTheRun),
        Case(kind: .outputs, title: "--out holds another model's config.json", files: ["o": .directory, "o/config.json": .text("{}")],
             setup: compileSetup, args: ["run", "--graph", "p.plan", "--out", "o"],
             firstLine: "error: o: config.json is there already and mtstc did not write it (a run folder is also a sentence-transformers model folder); choose a new or empty --out",
             fix: "Train into a new folder; mtstc never replaces files it did not write."),
    ]
}
