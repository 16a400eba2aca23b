import CInt8
import Synchronization

/// The int8 GEMM variants (Sources/CInt8), chosen once at run time: the best this CPU runs,
/// unless `Kernels.int8Kernel` is set (by `bench --gemm --int8-kernel`) or a call names one
/// (tests run every supported variant against the reference).
public enum Int8Kernel: String, CaseIterable, Sendable, Codable {
    /// Portable C on the same packed layout; any CPU.
    case scalar
    /// `vpmaddubsw` + `vpmaddwd` on ymm. Its 16-bit pair sums saturate with 8-bit weights,
    /// so weights packed for it are 7-bit (`weightLimit` 63); see CInt8/Int8Avx2.c.
    case avx2
    /// `vpdpbusd` on ymm (AVX-VNNI).
    case avxVNNI = "avx_vnni"
    /// `vpdpbusd` on zmm (AVX-512 VNNI).
    case avx512VNNI = "avx512_vnni"

    var code: Int32 {
        switch self {
        case .scalar: Int32(MTST_I8_SCALAR)
        case .avx2: Int32(MTST_I8_AVX2)
        case .avxVNNI: Int32(MTST_I8_AVX_VNNI)
        case .avx512VNNI: Int32(MTST_I8_AVX512_VNNI)
        }
    }

    /// Whether this CPU (and OS) runs the variant.
    public var isSupported: Bool { mtst_i8_supported(code) != 0 }

    /// The variants this machine runs, slowest first.
    public static let supported: [Int8Kernel] = allCases.filter(\.isSupported)

    /// The fastest variant this machine runs (measured: Docs/BENCHMARKS.md, "int8 GEMM").
    public static let best: Int8Kernel = supported.last ?? .scalar

    /// The largest |Wq| the variant multiplies exactly: 63 for AVX2 (7-bit weights), else 127.
    public var weightLimit: Int32 { self == .avx2 ? 63 : 127 }

    /// Output channels one thread's column range is a multiple of (the register tile's width).
    var columnBlock: Int { Int(mtst_i8_column_block(code)) }
}

extension Kernels {
    private static let int8KernelSetting = Atomic<Int>(-1)

    /// The variant `int8Linear`, `quantizeRows` and new `Int8PackedWeights` use when a call names
    /// none: `Int8Kernel.best` unless set. Set it before packing weights: weights packed for a
    /// VNNI variant are 8-bit, and the AVX2 kernel runs them through the scalar one instead.
    public static var int8Kernel: Int8Kernel {
        get {
            let raw = int8KernelSetting.load(ordering: .relaxed)
            return raw < 0 ? Int8Kernel.best : Int8Kernel.allCases[raw]
        }
        set {
            precondition(newValue.isSupported, "int8 kernel \(newValue.rawValue) is not supported on this CPU")
            int8KernelSetting.store(Int8Kernel.allCases.firstIndex(of: newValue)!, ordering: .relaxed)
        }
    }
}
