import WritCrypto

/// The client data of a WebAuthn ceremony (WebAuthn §5.8.1), read from `clientDataJSON` with the
/// strict JSON parser. Members other than those below are ignored, as the specification asks.
public struct ClientData: Sendable, Equatable {
    /// The ceremony a client data names in `type`.
    public enum CeremonyType: String, Sendable {
        /// Registration (`navigator.credentials.create`).
        case create = "webauthn.create"
        /// Authentication (`navigator.credentials.get`).
        case get = "webauthn.get"
    }

    /// `type` as sent; `ceremony` is `nil` when it names neither ceremony.
    public let type: String
    /// The challenge, decoded from base64url.
    public let challenge: [UInt8]
    /// The origin of the page that ran the ceremony, such as `https://writ.example`.
    public let origin: String
    /// Whether the page ran in a frame of another origin (`false` when absent).
    public let crossOrigin: Bool
    /// The origin of the top-level page, sent when `crossOrigin` is true.
    public let topOrigin: String?
    /// SHA-256 of the exact bytes received: what the authenticator's signature covers.
    public let hash: [UInt8]

    /// Parses `clientDataJSON`.
    public init(json bytes: some Collection<UInt8>) throws(PasskeyError) {
        let bytes = Array(bytes)
        let value: JSONValue
        do { value = try JSONParser.parse(bytes, maxDepth: 16) } catch { throw .malformedClientData.detailed("\(error)") }
        guard case .object(let members) = value else { throw .malformedClientData.detailed("not a JSON object") }
        guard let type = members["type"]?.stringValue else { throw .malformedClientData.detailed("no string type") }
        guard let encoded = members["challenge"]?.stringValue, let challenge = Base64URL.decode(encoded) else {
            throw .malformedClientData.detailed("no base64url challenge")
        }
        guard let origin = members["origin"]?.stringValue else { throw .malformedClientData.detailed("no string origin") }
        switch members["crossOrigin"] {
        case nil: self.crossOrigin = false
        case .bool(let value): self.crossOrigin = value
        default: throw .malformedClientData.detailed("crossOrigin is not a boolean")
        }
        switch members["topOrigin"] {
        case nil: self.topOrigin = nil
        case .string(let value): self.topOrigin = value
        default: throw .malformedClientData.detailed("topOrigin is not a string")
        }
        self.type = type
        self.challenge = challenge
        self.origin = origin
        self.hash = SHA256.hash(bytes)
    }

    /// The ceremony `type` names, or `nil`.
    public var ceremony: CeremonyType? { CeremonyType(rawValue: type) }
}
