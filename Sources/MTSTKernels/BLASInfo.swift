import Foundation

/// Which BLAS the binary runs on, for benchmark tables, and its thread count.
public enum BLASInfo {
    typealias ConfigFn = @convention(c) () -> UnsafePointer<CChar>?
    typealias SetThreadsFn = @convention(c) (Int) -> Void

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

    /// OpenBLAS uses every core by default; BLIS runs single-threaded unless told otherwise, so it
    /// gets one thread per core unless BLIS_NUM_THREADS or OMP_NUM_THREADS says else.
    public static let configureThreads: Void = {
        let env = ProcessInfo.processInfo.environment
        guard env["BLIS_NUM_THREADS"] == nil, env["OMP_NUM_THREADS"] == nil,
              let sym = symbol("bli_thread_set_num_threads") else { return }
        unsafeBitCast(sym, to: SetThreadsFn.self)(ProcessInfo.processInfo.activeProcessorCount)
    }()
}
