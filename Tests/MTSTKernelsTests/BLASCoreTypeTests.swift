import Testing
@testable import MTSTKernels

struct BLASCoreTypeTests {
    let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]

    @Test func prescottOnAnAVX512CPUGetsSkylakeX() {
        #expect(BLASCoreType.better(current: "Prescott", cpuFlags: avx512, environment: [:]) == "SkylakeX")
    }

    @Test func prescottOnAnAVX2CPUGetsHaswell() {
        #expect(BLASCoreType.better(current: "Prescott", cpuFlags: ["avx", "avx2", "fma"], environment: [:]) == "Haswell")
    }

    @Test func aRecognisedCoreIsKept() {
        #expect(BLASCoreType.better(current: "SkylakeX", cpuFlags: avx512, environment: [:]) == nil)
        #expect(BLASCoreType.better(current: "Zen", cpuFlags: avx512, environment: [:]) == nil)
        #expect(BLASCoreType.better(current: nil, cpuFlags: avx512, environment: [:]) == nil)
    }

    @Test func theUsersChoiceWins() {
        #expect(BLASCoreType.better(current: "Prescott", cpuFlags: avx512, environment: ["OPENBLAS_CORETYPE": "Prescott"]) == nil)
    }

    @Test func anOldCPUKeepsTheFallback() {
        #expect(BLASCoreType.better(current: "Prescott", cpuFlags: ["sse3", "avx"], environment: [:]) == nil)
    }
}
