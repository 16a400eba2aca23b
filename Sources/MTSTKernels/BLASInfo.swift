import Foundation

/// Which BLAS the binary runs on, for benchmark tables, and its thread count.
public enum BLASInfo {
    typealias ConfigFn = @convention(c) () -> UnsafePointer<CChar>?
    typealias SetThreadsFn = @convention(c) (Int) -> Void
    typealias SetThreadsInt32Fn = @convention(c) (Int32) -> Void

    static func symbol(_ name: String) -> UnsafeMutableRawPointer? { dlsym(dlopen(nil, RTLD_NOW), name) }

    public static var name: String {
        if let sym = symbol("openblas_get_config") {
            return unsafeBitCast(sym, to: ConfigFn.self)().map { "OpenBLAS " + String(cString: $0) } ?? "OpenBLAS"
        }
        if let sym = symbol("bli_info_get_version_str") {
            return unsafeBitCast(sym, to: ConfigFn.self)().map { "BLIS " + String(cString: $0) } ?? "BLIS"
        }
        return "unknown BLAS"
    }

    /// Who runs a large GEMM on several cores: mtstc's worker pool, splitting it into one
    /// single-threaded BLAS call per core (the default), or the BLAS's own threads
    /// (`MTSTC_GEMM_THREADS=blas`, kept to compare the two).
    public static let poolThreadsGEMMs = ProcessInfo.processInfo.environment["MTSTC_GEMM_THREADS"] != "blas"

    /// With the pool splitting GEMMs the BLAS runs one thread per call. Otherwise the BLAS gets
    /// as many threads as the pool would have (`ComputeThreads`, so `--threads` governs both
    /// ways). Read once, by the executor and `bench --gemm`, before the first GEMM.
    public static let configureThreads: Void = {
        let threads = poolThreadsGEMMs ? 1 : Kernels.coreCount
        if let sym = symbol("openblas_set_num_threads") { unsafeBitCast(sym, to: SetThreadsInt32Fn.self)(Int32(threads)) }
        if let sym = symbol("bli_thread_set_num_threads") { unsafeBitCast(sym, to: SetThreadsFn.self)(threads) }
    }()
}
