import Foundation
import Testing
@testable import MTSTRuntime

@Suite struct SafeTensorsWriterTests {
    @Test func roundTripKeepsShapesDataAndMetadata() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let path = directory + "/ckpt.safetensors"
            let tensors: [(name: String, shape: [Int], data: [Float])] = [
                ("z.weight", [2, 3], [1, -2, 3.5, .infinity, -0, 0x1p-140]),
                ("a.bias", [3], [0.25, 0.5, 0.75]),
                ("scalar", [], [7]),
                ("empty", [0, 4], []),
            ]
            try SafeTensorsWriter.write(path: path, tensors: tensors, metadata: ["step": "12", "quote": "a\"b\\c\n"])
            let file = try SafeTensorFile.read(path: path)
            #expect(file.metadata == ["step": "12", "quote": "a\"b\\c\n"])
            #expect(file.tensors.count == 4)
            for tensor in tensors {
                #expect(file.tensors[tensor.name] == .init(shape: tensor.shape, data: tensor.data, dtype: .f32))
            }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(leftovers == ["ckpt.safetensors"])
        }
    }

    @Test func headerIsAlignedAndTensorsAreInNameOrder() throws {
        let header = SafeTensorsWriter.headerBytes([("a", [1], 1), ("b", [2], 2)], metadata: ["k": "v"])
        #expect(header.count % 8 == 0)
        let text = String(decoding: header, as: UTF8.self)
        #expect(text.trimmingCharacters(in: .whitespaces)
            == #"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#)
        try DataTestSupport.withTemporaryDirectory { directory in
            let path = directory + "/o.safetensors"
            try SafeTensorsWriter.write(path: path, tensors: [("b", [2], [2, 3]), ("a", [1], [1])])
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let dataStart = bytes.count - 12
            #expect(dataStart % 8 == 0)
            #expect(Array(bytes[dataStart...]) == SafeTensorsBytes.littleEndian([Float(1), 2, 3]))
        }
    }

    @Test func overwritesAnExistingFile() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let path = directory + "/w.safetensors"
            try SafeTensorsWriter.write(path: path, tensors: [("w", [2], [1, 2])])
            try SafeTensorsWriter.write(path: path, tensors: [("w", [1], [9])])
            #expect(try SafeTensorFile.read(path: path).tensors["w"]?.data == [9])
        }
    }

    @Test func rejectsInconsistentTensors() {
        #expect(throws: SafeTensorsError(path: "x", kind: .invalidTensor(tensor: "w", reason: "shape [2, 2] holds 4 values but 3 were given"))) {
            try SafeTensorsWriter.write(path: "x", tensors: [("w", [2, 2], [1, 2, 3])])
        }
        #expect(throws: SafeTensorsError(path: "x", kind: .invalidTensor(tensor: "w", reason: "name used twice"))) {
            try SafeTensorsWriter.write(path: "x", tensors: [("w", [1], [1]), ("w", [1], [2])])
        }
    }

    @Test func unwritableDirectoryIsReported() {
        let error = #expect(throws: SafeTensorsError.self) {
            try SafeTensorsWriter.write(path: "/nonexistent/dir/w.safetensors", tensors: [("w", [1], [1])])
        }
        #expect(error?.description.hasPrefix("/nonexistent/dir/w.safetensors: cannot write safetensors file") == true)
    }
}
