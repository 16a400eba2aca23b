import Foundation
import Testing
@testable import MTSTCompiler

/// A small valid spec; error tests edit one line of it, so the line numbers below are the
/// positions the expected messages name.
///
///  1 name: t
///  2 backbone:                      13   intent:
///  3   vocab_size: 100              14     type: classification
///  4   hidden_size: 16              15     labels: [a, b, c]
///  5   num_layers: 2                16   slots:
///  6   num_heads: 2                 17     type: tagging
///  7   intermediate_size: 32        18     input: tokens
///  8   max_position_embeddings: 64  19 training:
///  9 tokenizer:                     20   epochs: 3
/// 10   vocab: vocab.txt             21   batch_size: 4
/// 11   max_length: 32               22 compile:
/// 12 heads:                         23   max_batch: 4
///                                   24   max_seq: 16
let baseYAML = """
name: t
backbone:
  vocab_size: 100
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
    labels: [a, b, c]
  slots:
    type: tagging
    input: tokens
training:
  epochs: 3
  batch_size: 4
compile:
  max_batch: 4
  max_seq: 16

"""

/// `baseYAML` with `old` (which must occur exactly once) replaced by `new`.
func edited(_ old: String, _ new: String, in yaml: String = baseYAML) -> String {
    precondition(yaml.components(separatedBy: old).count == 2, "fixture text '\(old)' must occur exactly once")
    return yaml.replacingOccurrences(of: old, with: new)
}

/// The error description parsing `yaml` as `t.yaml` produces, or "parsed" if it is valid.
func specError(_ yaml: String, path: String = "t.yaml") -> String {
    do {
        _ = try Spec.parse(yaml: yaml, path: path)
        return "parsed"
    } catch {
        return error.description
    }
}

func parseSpec(_ yaml: String, path: String = "t.yaml") throws -> Spec {
    try Spec.parse(yaml: yaml, path: path)
}

/// A fresh empty directory under the system temp dir.
func makeTempDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("mtstc-spec-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// all-MiniLM-L6-v2's config.json as published (fields the spec reads, plus a few it ignores).
let miniLMConfigJSON = """
{
  "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
  "architectures": ["BertModel"],
  "attention_probs_dropout_prob": 0.1,
  "gradient_checkpointing": false,
  "hidden_act": "gelu",
  "hidden_dropout_prob": 0.1,
  "hidden_size": 384,
  "initializer_range": 0.02,
  "intermediate_size": 1536,
  "layer_norm_eps": 1e-12,
  "max_position_embeddings": 512,
  "model_type": "bert",
  "num_attention_heads": 12,
  "num_hidden_layers": 6,
  "pad_token_id": 0,
  "position_embedding_type": "absolute",
  "transformers_version": "4.8.2",
  "type_vocab_size": 2,
  "use_cache": true,
  "vocab_size": 30522
}
"""

/// The repository root, found from this file's path (Tests/MTSTCompilerTests/Spec/…).
func repoRoot(_ file: String = #filePath) -> String {
    var url = URL(fileURLWithPath: file)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
}
