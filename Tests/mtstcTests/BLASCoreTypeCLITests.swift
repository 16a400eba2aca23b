import Foundation
import MTSTKernels
import Testing

/// The binary runs OpenBLAS's kernels for this CPU even where OpenBLAS does not recognise the
/// model (it falls back to its pre-AVX "Prescott" kernels there; `BLASCoreType`).
struct BLASCoreTypeCLITests {
    @Test func binaryRunsTheKernelsTheCPUCanRun() throws {
        guard let inProcess = BLASCoreType.current else { return }  // another BLAS: nothing to choose
        let env = ProcessInfo.processInfo.environment
        let expected = BLASCoreType.better(current: inProcess, cpuFlags: BLASCoreType.cpuFlags, environment: env)
            ?? env["OPENBLAS_CORETYPE"] ?? inProcess
        let r = try CLI.run(["bench", "--gemm", "64,64,64", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let blas = obj?["blas"] as? String ?? ""
        #expect(blas.lowercased().contains(expected.lowercased()), "expected OpenBLAS's \(expected) kernels, the binary reports \(blas)")
    }
}
