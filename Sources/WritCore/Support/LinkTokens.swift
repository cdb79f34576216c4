import WritCrypto

/// Tokens of mailed links (board approval, invitation), derived from the link's identity under a
/// key derived from the master key.
///
/// The database keeps only the link's reference and the keyed hash of its token, so a reader of
/// the database (a backup, the serving role) cannot rebuild a working link; the mailer derives the
/// token again at delivery time.
public struct LinkTokens: Sendable, SecretHolding {
    private let key: [UInt8]

    public init(masterKey: [UInt8]) {
        key = HMACSHA256.authenticate(Array("writ/link-token/v1".utf8), key: masterKey)
    }

    /// The token for the link named by `reference`: `prefix` and 256 bits in base64url.
    public func token(for reference: LinkReference) -> String {
        reference.kind.prefix + Base64URL.encode(HMACSHA256.authenticate(Array(reference.text.utf8), key: key))
    }
}

/// What a mailed link points at; stored in the outbox instead of the token.
public struct LinkReference: Sendable, Equatable {
    /// The kinds of mailed link.
    public enum Kind: String, Sendable, CaseIterable {
        case board
        case invitation

        /// The token's recognisable prefix.
        var prefix: String {
            switch self {
            case .board: "wsb_"
            case .invitation: "wsi_"
            }
        }

        /// The console page that takes the token in its fragment.
        public var page: String {
            switch self {
            case .board: "approve"
            case .invitation: "invite"
            }
        }
    }

    public let kind: Kind
    /// The ids that make the link unique, e.g. tenant, intent and board member.
    public let ids: [String]

    public init(kind: Kind, ids: [String]) {
        self.kind = kind
        self.ids = ids
    }

    /// The stored form, `kind:id:id…`.
    public var text: String { ([kind.rawValue] + ids).joined(separator: ":") }

    /// Parses the stored form; `nil` when it is not one.
    public init?(text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, let kind = Kind(rawValue: first), parts.count > 1, !parts.dropFirst().contains("") else {
            return nil
        }
        self.kind = kind
        self.ids = Array(parts.dropFirst())
    }
}
