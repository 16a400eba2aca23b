import Foundation
import Testing
@testable import MTSTRuntime

@Suite struct SafeTensorsReaderTests {
    @Test func decodesF16IncludingSubnormalsInfinitiesAndNaN() throws {
        let bits: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x3555]
        let header = #"{"h":{"dtype":"F16","shape":[11],"data_offsets":[0,22]}}"#
        let file = try SafeTensorFile.decode(SafeTensorsBytes.file(header: header, data: SafeTensorsBytes.littleEndian(bits)), path: "h.safetensors")
        let values = try file.tensor("h").data
        #expect(Array(values[0 ..< 6]) == [1, -2, 65504, 0x1p-24, 1023 * 0x1p-24, 0x1p-14])
        #expect(values[6] == 0 && values[6].sign == .minus)
        #expect(values[7] == .infinity && values[8] == -.infinity)
        #expect(values[9].isNaN)
        #expect(values[10] == 0.333251953125)
        #expect(file.tensors["h"]?.dtype == .f16)
    }

    @Test func decodesBF16AndF64() throws {
        let bf16 = SafeTensorsBytes.littleEndian([UInt16(0x3F80), 0xC049, 0x7F80, 0x0001])
        let f64 = SafeTensorsBytes.littleEndian([(0.5 as Double).bitPattern, (-1e300 as Double).bitPattern])
        let header = #"{"b":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]},"d":{"dtype":"F64","shape":[2],"data_offsets":[8,24]}}"#
        let file = try SafeTensorFile.decode(SafeTensorsBytes.file(header: header, data: bf16 + f64), path: "b.safetensors")
        #expect(file.tensors["b"]?.shape == [2, 2])
        #expect(file.tensors["b"]?.data == [1, -3.140625, .infinity, Float(bitPattern: 0x0001_0000)])
        #expect(file.tensors["d"]?.data == [0.5, -.infinity])
    }

    @Test func readsUnalignedF32AndMetadata() throws {
        // A 3-byte header puts the data at offset 11, so F32 reads must not assume alignment.
        let header = #"{"__metadata__":{"format":"pt"},"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}"#
        let file = try SafeTensorFile.decode(SafeTensorsBytes.file(header: header + "   ", data: SafeTensorsBytes.littleEndian([Float(2.5)])), path: "m.safetensors")
        #expect(file.tensors["x"] == .init(shape: [], data: [2.5], dtype: .f32))
        #expect(file.metadata == ["format": "pt"])
    }

    @Test func integerTensorsAreSkippedAndNamedWhenRequested() throws {
        let header = #"{"ids":{"dtype":"I64","shape":[1,2],"data_offsets":[0,16]}}"#
        let file = try SafeTensorFile.decode(SafeTensorsBytes.file(header: header, data: SafeTensorsBytes.littleEndian([UInt64(0), 1])), path: "i.safetensors")
        #expect(file.tensors.isEmpty)
        #expect(file.skipped == ["ids": .i64])
        let error = #expect(throws: SafeTensorsError.self) { try file.tensor("ids") }
        #expect(error?.description == "i.safetensors: tensor 'ids' has dtype I64, not a floating-point type")
        #expect(throws: SafeTensorsError(path: "i.safetensors", kind: .missingTensor(name: "w"))) { try file.tensor("w") }
    }
}
