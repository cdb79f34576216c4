/// A cryptographic operation failed or its input was malformed.
public struct CryptoError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Kind: Sendable, Equatable {
        case invalidKey
        case authenticationFailed
        case malformed
        case library
    }

    private let kind: Kind
    private let detail: String

    private init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// A key of the wrong length or form.
    public static func invalidKey(_ detail: String) -> CryptoError { .init(.invalidKey, detail) }
    /// A sealed box or signature did not authenticate.
    public static let authenticationFailed = CryptoError(.authenticationFailed, "authentication failed")
    /// Input that is not in the expected encoding.
    public static func malformed(_ detail: String) -> CryptoError { .init(.malformed, detail) }
    /// The underlying C library reported a failure.
    public static func library(_ detail: String) -> CryptoError { .init(.library, detail) }

    public var description: String { "CryptoError.\(kind): \(detail)" }
}
