import Foundation
import Testing
@testable import MTSTRuntime

@Suite struct SafeTensorsCorruptFileTests {
    private func decode(_ header: String, data: [UInt8] = Array(repeating: 0, count: 8)) throws(SafeTensorsError) -> SafeTensorFile {
        try SafeTensorFile.decode(SafeTensorsBytes.file(header: header, data: data), path: "bad.safetensors")
    }

    /// The error kind for a file with this header and an 8-byte data section.
    private func kind(_ header: String) -> SafeTensorsError.Kind? {
        kind(bytes: SafeTensorsBytes.file(header: header, data: Array(repeating: 0, count: 8)))
    }

    private func kind(bytes: Data) -> SafeTensorsError.Kind? {
        do {
            _ = try SafeTensorFile.decode(bytes, path: "bad.safetensors")
            return nil
        } catch {
            #expect(error.description.hasPrefix("bad.safetensors: "))
            #expect(!error.description.contains("\n"))
            return error.kind
        }
    }

    /// Found by the safetensors fuzz target: a tensor name holding DEL was quoted raw, and with
    /// two bad entries the message named either one, in hash order. Now the first by name.
    @Test func controlCharactersInATensorNameAreEscapedAndTheFirstBadEntryByNameIsReported() {
        let bytes = Data([
            0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7B, 0x22, 0x7F, 0x6E, 0x49, 0x79, 0x74, 0x64,
            0x74, 0x74, 0x79, 0x49, 0x65, 0x22, 0x3A, 0x22, 0x46, 0x33, 0x00, 0x00, 0x00, 0x00, 0x32, 0x22,
            0x2C, 0x22, 0x73, 0x68, 0x61, 0x70, 0x70, 0x6F, 0x6F, 0x6C, 0x65, 0x72, 0x2E, 0x64, 0x65, 0x6E,
            0x73, 0x65, 0x2E, 0x77, 0x65, 0x69, 0x67, 0x68, 0x27, 0x65, 0x74, 0x73, 0x22, 0x3A, 0x5B, 0x30,
            0x2C, 0x31, 0x36, 0x5D, 0x7D, 0x20, 0x20, 0x20,
        ])
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensorFile.decode(bytes, path: "fuzz.safetensors") }
        #expect(error?.description.hasPrefix("fuzz.safetensors: tensor 'shappooler.dense.weigh'ets': ") == true)
        let alone = kind(#"{"\u007fw\u001b":{"dtype":"F32","shape":[1],"data_offsets":[0,1]}}"#)
        #expect(alone == .sizeMismatch(tensor: "\u{7F}w\u{1B}", expectedBytes: 4, actualBytes: 1))
        let message = SafeTensorsError(path: "f", kind: alone ?? .fileNotFound).description
        #expect(message.hasPrefix(#"f: tensor '\u{7F}w\u{1B}'"#))
    }

    @Test func missingFile() {
        let path = "/nonexistent/dir/model.safetensors"
        #expect(throws: SafeTensorsError(path: path, kind: .fileNotFound)) { try SafeTensorFile.read(path: path) }
    }

    @Test func truncatedFiles() {
        let tooShort = kind(bytes: Data([1, 0, 0]))
        #expect(tooShort == .truncated(reason: "3 bytes, shorter than the 8-byte header length"))
        var bytes = SafeTensorsBytes.file(header: "{}", data: [])
        bytes[0] = 200
        let longHeader = kind(bytes: bytes)
        #expect(longHeader == .truncated(reason: "header claims 200 bytes but only 2 follow"))
        // Data section shorter than the offsets promise, as when a download stops early.
        let cut = kind(#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#)
        #expect(cut == .offsetsOutOfRange(tensor: "w", begin: 0, end: 16, dataSize: 8))
    }

    @Test func headerNotJSON() {
        guard case .headerNotJSON = kind("{\"w\": [1,") else {
            Issue.record("expected headerNotJSON")
            return
        }
    }

    @Test func metadataMustBeStrings() {
        #expect(kind(#"{"__metadata__":{"step":3}}"#) == .headerNotJSON(reason: "__metadata__ must map strings to strings"))
    }

    @Test func malformedEntryNamesTheTensor() {
        let missing = kind(#"{"w":{"dtype":"F32","shape":[2]}}"#)
        #expect(missing == .badEntry(tensor: "w", reason: "missing 'data_offsets'"))
        let negative = kind(#"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#)
        #expect(negative == .badEntry(tensor: "w", reason: "negative dimension in shape [-2]"))
        guard case .badEntry(tensor: "w", _) = kind(#"{"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}"#) else {
            Issue.record("expected badEntry for a non-array shape")
            return
        }
    }

    @Test func offsetsOutOfRangeAndSizeMismatch() {
        #expect(kind(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#)
            == .offsetsOutOfRange(tensor: "w", begin: 8, end: 4, dataSize: 8))
        #expect(kind(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#)
            == .sizeMismatch(tensor: "w", expectedBytes: 12, actualBytes: 8))
    }

    @Test func overlappingTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        #expect(kind(header) == .overlapping(tensor: "b", other: "a"))
    }

    @Test func unsupportedDtype() {
        let error = #expect(throws: SafeTensorsError.self) {
            try decode(#"{"w":{"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}}"#)
        }
        #expect(error?.kind == .unsupportedDtype(tensor: "w", dtype: "F8_E4M3"))
        #expect(error?.description.contains("bad.safetensors: tensor 'w': unsupported dtype 'F8_E4M3'") == true)
    }
}
