/// Why a board link no longer opens its intent.
public enum BoardLinkRefusal: Sendable {
    /// A decision was already made with it.
    case used
    /// The intent's deadline passed (the link expires with it).
    case expired
    /// No link has this token.
    case unknown
}
