import Foundation
import MTSTCompiler

/// Writes F32 safetensors files: tensors in sorted-name order, header padded with spaces to a
/// multiple of 8 bytes so the data section starts aligned, the whole file replaced atomically.
public enum SafeTensorsWriter {
    /// One tensor to write: a view of floats the caller keeps alive for the call, so a
    /// checkpoint streams straight from the parameter and AdamW buffers. (Copying every tensor
    /// into an array first held a second copy of the weights and both moments at once: about
    /// 170 MB on top of MiniLM's training peak at every epoch's save.)
    public typealias TensorView = (name: String, shape: [Int], data: UnsafeBufferPointer<Float>)

    public static func write(path: String, tensors: [TensorView], metadata: [String: String] = [:]) throws(SafeTensorsError) {
        let ordered = try validated(tensors, path: path)
        let header = headerBytes(ordered.map { ($0.name, $0.shape, $0.data.count) }, metadata: metadata)
        do {
            try AtomicFile.write(path: path) { handle throws in
                var length = UInt64(header.count).littleEndian
                try handle.write(contentsOf: Data(bytes: &length, count: 8))
                try handle.write(contentsOf: header)
                for tensor in ordered where !tensor.data.isEmpty {
                    try handle.write(contentsOf: UnsafeRawBufferPointer(tensor.data))
                }
            }
        } catch {
            throw SafeTensorsError(path: path, kind: .writeFailed(reason: error.reason))
        }
    }

    /// Tensors held in arrays (tests, fixtures, small files).
    public static func write(
        path: String,
        tensors: [(name: String, shape: [Int], data: [Float])],
        metadata: [String: String] = [:]
    ) throws(SafeTensorsError) {
        func withViews(_ i: Int, _ views: inout [TensorView]) throws(SafeTensorsError) {
            guard i < tensors.count else { return try write(path: path, tensors: views, metadata: metadata) }
            let result: Result<Void, SafeTensorsError> = tensors[i].data.withUnsafeBufferPointer { buffer in
                views.append((tensors[i].name, tensors[i].shape, buffer))
                do throws(SafeTensorsError) { try withViews(i + 1, &views) } catch { return .failure(error) }
                return .success(())
            }
            try result.get()
        }
        var views: [TensorView] = []
        views.reserveCapacity(tensors.count)
        try withViews(0, &views)
    }

    /// The padded JSON header; internal so tests can check its exact form.
    static func headerBytes(_ ordered: [(name: String, shape: [Int], count: Int)], metadata: [String: String]) -> Data {
        var json = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted(by: byteOrder).map { "\(JSONText.quote($0)):\(JSONText.quote(metadata[$0] ?? ""))" }
            fields.append("\(JSONText.quote(SafeTensorsHeader.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in ordered {
            let end = offset + tensor.count * 4
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(JSONText.quote(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        json += fields.joined(separator: ",") + "}"
        var bytes = Data(json.utf8)
        let padding = (8 - bytes.count % 8) % 8
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        return bytes
    }

    private static func validated(_ tensors: [TensorView], path: String) throws(SafeTensorsError) -> [TensorView] {
        func fail(_ name: String, _ reason: String) -> SafeTensorsError {
            SafeTensorsError(path: path, kind: .invalidTensor(tensor: name, reason: reason))
        }
        var seen = Set<String>()
        for tensor in tensors {
            if tensor.name.isEmpty || tensor.name == SafeTensorsHeader.metadataKey {
                throw fail(tensor.name, "reserved or empty name")
            }
            if !seen.insert(tensor.name).inserted { throw fail(tensor.name, "name used twice") }
            if tensor.shape.contains(where: { $0 < 0 }) { throw fail(tensor.name, "negative dimension in shape \(tensor.shape)") }
            let count = tensor.shape.reduce(1, *)
            if count != tensor.data.count {
                throw fail(tensor.name, "shape \(tensor.shape) holds \(count) values but \(tensor.data.count) were given")
            }
        }
        return tensors.sorted { byteOrder($0.name, $1.name) }
    }

    /// Byte order, not Swift's Unicode-aware `<`, so files match other safetensors writers.
    private static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
