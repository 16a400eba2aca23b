import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// A mapping that cannot be made is an error with the size, not a trap.
struct AllocationTests {
    @Test func impossibleMappingIsAnError() throws {
        do {
            _ = try AlignedBuffer(count: 1 << 60)
            Issue.record("a 4 EiB mapping succeeded")
        } catch {
            #expect(error.description.hasPrefix("cannot allocate 4294967296.00 GiB (4611686018427387904 bytes): "))
        }
        #expect(throws: AllocationError.self) { try AlignedBuffer(count: Int.max / 2) }
    }

    @Test func parameterTableThatOverflowsIsAnError() throws {
        let p = ParamEntry(path: "w", shape: [1 << 40, 1 << 40], checkpointName: nil, initializer: .zeros)
        #expect(throws: AllocationError.self) { try ParamStore(params: [p]) }
    }
}
