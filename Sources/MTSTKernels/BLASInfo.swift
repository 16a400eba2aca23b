import Foundation

/// Which BLAS the binary runs on, for benchmark tables.
public enum BLASInfo {
    public static var name: String {
        typealias ConfigFn = @convention(c) () -> UnsafePointer<CChar>?
        let handle = dlopen(nil, RTLD_NOW)
        if let sym = dlsym(handle, "openblas_get_config") {
            let fn = unsafeBitCast(sym, to: ConfigFn.self)
            if let s = fn() { return "OpenBLAS " + String(cString: s) }
            return "OpenBLAS"
        }
        if let sym = dlsym(handle, "bli_info_get_version_str") {
            let fn = unsafeBitCast(sym, to: ConfigFn.self)
            if let s = fn() { return "BLIS " + String(cString: s) }
            return "BLIS"
        }
        return "unknown BLAS"
    }
}
