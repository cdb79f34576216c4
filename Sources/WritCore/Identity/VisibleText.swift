/// Text a person reads as what it is: no control, format (bidi overrides, zero-width), private-use
/// or unassigned characters, no line or paragraph separators, no space but the plain one, none of
/// the blank "filler" letters or default-ignorable code points that render as nothing, and no
/// character under a stack of combining marks.
public enum VisibleText {
    /// Letters that render as blank space.
    private static let fillers: Set<UInt32> = [0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E]

    /// The most combining marks one character may carry (a stack of them hides what is beneath).
    public static let maxCombiningMarks = 4

    /// Whether every character of `text` is visible (or the plain space), none of them buried under
    /// more than ``maxCombiningMarks`` combining marks.
    public static func isVisible(_ text: String) -> Bool {
        var marks = 0
        for scalar in text.unicodeScalars {
            guard isVisible(scalar) else { return false }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark:
                marks += 1
                if marks > maxCombiningMarks { return false }
            default:
                marks = 0
            }
        }
        return true
    }

    /// Whether one scalar is visible (or the plain space).
    public static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        // Default-ignorable code points (variation selectors, the combining grapheme joiner, tag
        // characters, U+17B4…) render as nothing.
        if fillers.contains(scalar.value) || scalar.properties.isDefaultIgnorableCodePoint { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .unassigned, .surrogate, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }
}
