import WritCore

/// `/v1/warrants/verify`: valid with the claims, or not with the reason.
struct WarrantVerificationBody: Decodable {
    let valid: Bool
    let reason: String?
    let claims: WarrantClaimsBody?
}

/// A tenant's JWK Set.
struct JWKSetBody: Decodable {
    /// The public keys, as JWKs.
    let keys: [[String: JSONValue]]
}

/// A new signing key, named by its `kid`.
struct SigningKeyBody: Decodable {
    let kid: String
}
