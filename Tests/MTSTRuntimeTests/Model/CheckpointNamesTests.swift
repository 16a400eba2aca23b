import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// The one set of rules for which tensor fills which parameter, as compile (header only) and
/// load (values) both apply them.
struct CheckpointNamesTests {
    static let params = [
        ParamEntry(path: "backbone.embeddings.norm.weight", shape: [4], checkpointName: "embeddings.LayerNorm.weight", initializer: .ones),
        ParamEntry(path: "backbone.layers[0].ffn.output.weight", shape: [4, 2], checkpointName: "encoder.layer.0.output.dense.weight",
                   initializer: .normal(std: 0.02)),
        ParamEntry(path: "heads.intent.bias", shape: [3], checkpointName: "heads.intent.bias", initializer: .zeros, isHead: true),
    ]

    static func infos(_ entries: [(String, SafeTensorDType, [Int])]) -> [String: SafeTensorInfo] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.0, SafeTensorInfo(shape: $0.2, dtype: $0.1)) })
    }

    static func problem(_ entries: [(String, SafeTensorDType, [Int])], requireHeads: Bool = false) -> String {
        do {
            let matches = try CheckpointNames.match(params, backbone: BERT.self, tensors: infos(entries), file: "w", requireHeads: requireHeads)
            return "ok " + matches.map(\.tensor).joined(separator: ",")
        } catch {
            return error.description
        }
    }

    @Test func matchesWithOrWithoutBertPrefixAndSkipsAbsentHeads() {
        let plain: [(String, SafeTensorDType, [Int])] = [("embeddings.LayerNorm.weight", .f32, [4]), ("encoder.layer.0.output.dense.weight", .f16, [4, 2]),
                                                         ("embeddings.position_ids", .i64, [1, 512]), ("pooler.dense.bias", .f32, [4])]
        #expect(Self.problem(plain) == "ok embeddings.LayerNorm.weight,encoder.layer.0.output.dense.weight")
        let prefixed = plain.map { ("bert." + $0.0, $0.1, $0.2) }
        #expect(Self.problem(prefixed) == "ok bert.embeddings.LayerNorm.weight,bert.encoder.layer.0.output.dense.weight")
        #expect(Self.problem(plain + [("heads.intent.bias", .f32, [1, 3])]).hasSuffix("heads.intent.bias"))
        #expect(Self.problem(plain, requireHeads: true) == "w: tensor heads.intent.bias is missing")
    }

    @Test func integerTensorIsReportedByDtypeNotAsMissing() {
        #expect(Self.problem([("embeddings.LayerNorm.weight", .i32, [4]), ("encoder.layer.0.output.dense.weight", .f32, [4, 2])]) ==
            "w: tensor embeddings.LayerNorm.weight has dtype I32, which is not supported for weights (F32, F16, BF16 or F64)")
    }

    @Test func shapesMustAgree() {
        #expect(Self.problem([("embeddings.LayerNorm.weight", .f32, [4]), ("encoder.layer.0.output.dense.weight", .f32, [2, 4])]) ==
            "w: tensor encoder.layer.0.output.dense.weight has shape [2, 4], the spec expects [4, 2]")
        #expect(Self.problem([("embeddings.LayerNorm.weight", .f32, [1, 4, 1]), ("encoder.layer.0.output.dense.weight", .f32, [4, 2])]).hasPrefix("ok"))
        #expect(Self.problem([("embeddings.LayerNorm.weight", .f32, [4]), ("encoder.layer.0.output.dense.weight", .f32, [4, 2]),
                              ("decoder.bias", .f32, [2])]) ==
            "w: unexpected tensor decoder.bias (not part of a bert backbone or this spec's heads)")
    }

    /// The header-only reader agrees with the full reader, and an I32 tensor loaded through
    /// `ParamStore.load` names its dtype.
    @Test func headerReaderAndLoadAgree() throws {
        try DataTestSupport.withTemporaryDirectory { dir in
            let path = dir + "/w.safetensors"
            let header = #"{"embeddings.LayerNorm.weight":{"dtype":"I32","shape":[4],"data_offsets":[0,16]},"encoder.layer.0.output.dense.weight":{"dtype":"F32","shape":[4,2],"data_offsets":[16,48]}}"#
            try SafeTensorsBytes.file(header: header, data: Array(repeating: 0, count: 48)).write(to: URL(fileURLWithPath: path))
            let infos = try SafeTensorFile.readHeader(path: path)
            #expect(infos == Self.infos([("embeddings.LayerNorm.weight", .i32, [4]), ("encoder.layer.0.output.dense.weight", .f32, [4, 2])]))
            let store = try ParamStore(params: Self.params)
            let error = #expect(throws: WeightsError.self) { try store.load(try SafeTensorFile.read(path: path), backbone: BERT.self) }
            #expect(error?.description == "\(path): tensor embeddings.LayerNorm.weight has dtype I32, which is not supported for weights (F32, F16, BF16 or F64)")

            let truncated = dir + "/t.safetensors"
            try SafeTensorsBytes.file(header: header, data: Array(repeating: 0, count: 40)).write(to: URL(fileURLWithPath: truncated))
            #expect(throws: SafeTensorsError(path: truncated, kind: .offsetsOutOfRange(tensor: "encoder.layer.0.output.dense.weight", begin: 16, end: 48, dataSize: 40))) {
                try SafeTensorFile.readHeader(path: truncated)
            }
            #expect(throws: SafeTensorsError(path: dir, kind: .unreadable(reason: "it is a directory"))) { try SafeTensorFile.readHeader(path: dir) }
            #expect(throws: SafeTensorsError(path: dir + "/nope", kind: .fileNotFound)) { try SafeTensorFile.readHeader(path: dir + "/nope") }
        }
    }
}
