/// Element types named in a safetensors header.
public enum SafeTensorDType: String, Sendable, CaseIterable, Codable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    case bool = "BOOL"

    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .i8, .u8, .bool: 1
        }
    }

    /// Only these become `[Float]`; the others hold indices (e.g. BERT's `position_ids`), not weights.
    public var isFloatingPoint: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: true
        default: false
        }
    }
}
