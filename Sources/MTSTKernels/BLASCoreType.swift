import Foundation

/// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels from the CPU's family and model
/// numbers. A model it does not know — Debian 12's OpenBLAS 0.3.21 on newer Xeons (model 207 on
/// this project's build machines) — falls back to "Prescott": SSE3 kernels, without AVX, several
/// times slower than the AVX-512 ones the CPU can run. The kernels can only be chosen by
/// `OPENBLAS_CORETYPE` before the library initialises, which happens before `main`; so the
/// command-line tool re-executes itself once with the variable set (see `mtstc` `main`). A user's
/// own `OPENBLAS_CORETYPE` is always respected.
public enum BLASCoreType {
    typealias CoreNameFn = @convention(c) () -> UnsafePointer<CChar>?

    /// The kernel family OpenBLAS is running, e.g. "SkylakeX"; nil for another BLAS.
    public static var current: String? {
        guard let sym = BLASInfo.symbol("openblas_get_corename") else { return nil }
        return unsafeBitCast(sym, to: CoreNameFn.self)().map { String(cString: $0) }
    }

    /// OpenBLAS's generic x86-64 fallbacks, which use neither AVX nor FMA.
    static let preAVXCores: Set<String> = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Barcelona", "Opteron"]

    /// The core type OpenBLAS should use instead of the one it chose, or nil when its choice is
    /// right (or the user chose): SkylakeX with AVX-512 F/BW/VL/DQ/CD, Haswell with AVX2 and FMA.
    public static func better(current: String?, cpuFlags: Set<String>, environment: [String: String]) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, let current, preAVXCores.contains(current) else { return nil }
        if cpuFlags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The CPU's feature flags as Linux reports them (empty elsewhere).
    public static var cpuFlags: Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
