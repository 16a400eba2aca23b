// Bit-level conversions so the reader behaves the same on every platform
// (Swift's Float16 is unavailable on Intel macOS).

@inline(__always)
func floatFromF16(bits h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h & 0x3FF)
    if exponent == 0x1F {
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent != 0 {
        // Rebias 15 → 127.
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
    // Zero or subnormal: mantissa · 2⁻²⁴ is exact in Float.
    let magnitude = Float(mantissa) * 0x1p-24
    return Float(bitPattern: sign | magnitude.bitPattern)
}

@inline(__always)
func floatFromBF16(bits b: UInt16) -> Float {
    Float(bitPattern: UInt32(b) << 16)
}
