import Foundation
import WritCore
import WritCrypto

/// A warrant as the database keeps it: the signing input (header and claims, readable) in
/// `warrants.token` with an empty signature part, and the signature sealed under the master key.
/// A reader of the database sees what every warrant says but cannot present one.
public struct StoredWarrant: Sendable, Equatable {
    public let jti: String
    /// `header.payload.` — the compact JWS without its signature.
    public let signingInput: String
    /// The Ed25519 signature, sealed; `nil` for warrants stored before signatures were sealed.
    public let sealedSignature: [UInt8]?

    /// The claims, decoded from the signing input; `nil` when they do not parse.
    public var claims: JSONValue? {
        JWS.Parts(compact: signingInput).flatMap { try? JSONParser.parse($0.payload) }
    }

    /// Splits a freshly signed token and seals its signature.
    static func seal(_ token: String, tenant: UUID, jti: String, sealer: Sealer) throws -> (signingInput: String, sealedSignature: [UInt8])
    {
        // Only the signature part needs decoding: the token was signed a moment ago.
        guard let dot = token.lastIndex(of: "."), let signature = Base64URL.decode(token[token.index(after: dot)...]), !signature.isEmpty
        else { throw StoreError.corrupt("warrant") }
        return (String(token[...dot]), try sealer.seal(signature, context: context(tenant: tenant, jti: jti)))
    }

    /// The full compact JWS; `nil` when the signature was not kept.
    func token(tenant: UUID, sealer: Sealer) throws -> String? {
        guard let sealedSignature else { return nil }
        let signature = try sealer.open(sealedSignature, context: Self.context(tenant: tenant, jti: jti))
        return signingInput + Base64URL.encode(signature)
    }

    private static func context(tenant: UUID, jti: String) -> String {
        "warrant-signature:\(tenant.uuidString.lowercased()):\(jti)"
    }
}
