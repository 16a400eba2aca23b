/// The character classes of BERT's reference tokenizer (Hugging Face's `BasicTokenizer`),
/// decided per Unicode scalar as Python's per-code-point loops do.
///
/// Categories come from Swift's Unicode tables, which may be newer than the Python
/// `unicodedata` the reference ran with: a scalar assigned after that version is `Cn`
/// (dropped as a control character) in Python but kept here.
enum BertCharacterClasses {
    /// Dropped while cleaning: NUL, U+FFFD and every `C*` category (Cc, Cf, Cn, Co, Cs)
    /// except tab, newline and carriage return, which count as whitespace.
    @inline(__always)
    static func isDropped(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0x7F }
        if v == 0xFFFD { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// Separates words. Cleaning turns space, \t, \n, \r and `Zs` into spaces; Python's
    /// `str.split()` then also splits at U+2028/U+2029, which cleaning keeps (Zl, Zp).
    @inline(__always)
    static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return v == 0x20 || v == 0x09 || v == 0x0A || v == 0x0D }
        if v == 0x2028 || v == 0x2029 { return true }
        return scalar.properties.generalCategory == .spaceSeparator
    }

    /// CJK ideographs, which BERT spaces out so each becomes its own word.
    @inline(__always)
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// All non-alphanumeric printable ASCII (so `$`, `^`, `` ` ``, `+`… split like
    /// punctuation), plus every Unicode `P*` category.
    @inline(__always)
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 {
            return (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v)
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
