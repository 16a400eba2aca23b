import Foundation
import MTSTCompiler

/// A safetensors file decoded to `Float`: the format is an 8-byte little-endian header length,
/// a JSON header, then raw little-endian tensor bytes addressed by `data_offsets`.
public struct SafeTensorFile: Sendable {
    public struct Tensor: Sendable, Equatable {
        public var shape: [Int]
        public var data: [Float]
        /// The element type in the file before conversion to `Float`.
        public var dtype: SafeTensorDType

        public init(shape: [Int], data: [Float], dtype: SafeTensorDType = .f32) {
            self.shape = shape
            self.data = data
            self.dtype = dtype
        }
    }

    public var path: String
    public var tensors: [String: Tensor]
    public var metadata: [String: String]
    /// Integer and BOOL tensors are listed here instead of converted: they are index buffers,
    /// and a lossy `Float` copy would invite misuse.
    public var skipped: [String: SafeTensorDType]

    /// The tensor with this name, or an error a user can act on.
    public func tensor(_ name: String) throws(SafeTensorsError) -> Tensor {
        if let tensor = tensors[name] { return tensor }
        if let dtype = skipped[name] {
            throw SafeTensorsError(path: path, kind: .notFloat(tensor: name, dtype: dtype.rawValue))
        }
        throw SafeTensorsError(path: path, kind: .missingTensor(name: name))
    }

    /// `include`: decode only the tensors it accepts (the whole layout is still validated). The
    /// file is mapped, so the pages of the others are never read.
    public static func read(path: String, only include: (String) -> Bool = { _ in true }) throws(SafeTensorsError) -> SafeTensorFile {
        do {
            let file = try InputFile.openRegular(path)
            close(file.fd)
        } catch {
            throw SafeTensorsError(path: path, kind: error.isMissing ? .fileNotFound : .unreadable(reason: error.reason))
        }
        let bytes: Data
        do {
            // Mapped, so a large checkpoint is not held twice (file bytes + floats).
            bytes = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw SafeTensorsError(path: path, kind: .unreadable(reason: InputFile.problem(path) ?? "the file could not be mapped"))
        }
        return try decode(bytes, path: path, only: include)
    }

    /// Decodes file bytes already in memory; `path` is only used in error messages.
    public static func decode(_ bytes: Data, path: String, only include: (String) -> Bool = { _ in true }) throws(SafeTensorsError) -> SafeTensorFile {
        let layout = try SafeTensorsLayout(bytes: bytes, path: path)
        var tensors: [String: Tensor] = [:]
        var skipped: [String: SafeTensorDType] = [:]
        tensors.reserveCapacity(layout.entries.count)
        bytes.withUnsafeBytes { raw in
            for entry in layout.entries where include(entry.name) {
                guard entry.dtype.isFloatingPoint else {
                    skipped[entry.name] = entry.dtype
                    continue
                }
                let start = layout.dataStart + entry.begin
                let source = UnsafeRawBufferPointer(rebasing: raw[start ..< start + entry.byteCount])
                let data = convert(source, dtype: entry.dtype, count: entry.elementCount)
                tensors[entry.name] = Tensor(shape: entry.shape, data: data, dtype: entry.dtype)
            }
        }
        return SafeTensorFile(path: path, tensors: tensors, metadata: layout.metadata, skipped: skipped)
    }

    private static func convert(_ source: UnsafeRawBufferPointer, dtype: SafeTensorDType, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch dtype {
            case .f32:
                // Offsets need not be 4-byte aligned, so copy bytes rather than rebinding memory.
                if count > 0 { UnsafeMutableRawBufferPointer(out).copyMemory(from: source) }
            case .f16:
                for i in 0 ..< count {
                    out[i] = floatFromF16(bits: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            case .bf16:
                for i in 0 ..< count {
                    out[i] = floatFromBF16(bits: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            case .f64:
                for i in 0 ..< count {
                    let bits = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                    out[i] = Float(Double(bitPattern: bits))
                }
            default:
                preconditionFailure("convert called for non-float dtype \(dtype)")
            }
            initialized = count
        }
    }
}
