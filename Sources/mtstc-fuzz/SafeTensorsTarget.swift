import Foundation
import MTSTRuntime

extension FuzzTarget {
    static let safetensors = FuzzTarget(
        name: "safetensors",
        covers: "SafeTensorFile.decode: header length, JSON header, dtypes, offsets, shapes, conversion to Float"
    ) { data in
        let path = "fuzz.safetensors"
        let file: SafeTensorFile
        do {
            file = try SafeTensorFile.decode(data, path: path)
        } catch {
            checkRejection(error, file: path)
            return
        }
        for (name, tensor) in file.tensors {
            let count = tensor.shape.reduce(1, *)
            if count != tensor.data.count { violated("\(name): shape \(tensor.shape) but \(tensor.data.count) values") }
            if count * tensor.dtype.byteSize > data.count { violated("\(name): more values than the file has bytes") }
        }
        for name in file.skipped.keys where file.tensors[name] != nil { violated("\(name) both converted and skipped") }
    }
}
