import Foundation

/// Hand-assembles safetensors files so the reader is tested against the format, not against our writer.
enum SafeTensorsBytes {
    static func file(header: String, data: [UInt8]) -> Data {
        var bytes = Data()
        var length = UInt64(header.utf8.count).littleEndian
        bytes.append(Data(bytes: &length, count: 8))
        bytes.append(Data(header.utf8))
        bytes.append(contentsOf: data)
        return bytes
    }

    static func littleEndian(_ values: [UInt16]) -> [UInt8] {
        values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    static func littleEndian(_ values: [UInt64]) -> [UInt8] {
        values.flatMap { value in (0 ..< 8).map { UInt8((value >> (8 * UInt64($0))) & 0xFF) } }
    }

    static func littleEndian(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in (0 ..< 4).map { UInt8((value.bitPattern >> (8 * UInt32($0))) & 0xFF) } }
    }
}
