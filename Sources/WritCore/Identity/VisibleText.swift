/// Text a person reads as what it is: no control, format (bidi overrides, zero-width), private-use
/// or unassigned characters, no line or paragraph separators, no space but the plain one, and none
/// of the blank "filler" letters that render as nothing.
public enum VisibleText {
    /// Letters that render as blank space.
    private static let fillers: Set<UInt32> = [0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E]

    /// Whether every character of `text` is visible (or the plain space).
    public static func isVisible(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(isVisible)
    }

    /// Whether one scalar is visible (or the plain space).
    public static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        if fillers.contains(scalar.value) { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .unassigned, .surrogate, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }
}
