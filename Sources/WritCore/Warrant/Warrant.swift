import Foundation
import WritCrypto

/// An execution warrant's claims (CONTRACT §2).
public struct WarrantClaims: Sendable, Equatable {
    /// One approval that counted.
    public struct Approval: Sendable, Equatable {
        public let by: String
        public let at: Int64
        public let mfa: Bool

        public init(by: String, at: Int64, mfa: Bool) {
            self.by = by
            self.at = at
            self.mfa = mfa
        }
    }

    public let iss: String
    public let sub: String
    public let aud: String
    public let jti: String
    public let iat: Int64
    public let nbf: Int64
    public let exp: Int64
    public let tenant: String
    public let intent: String
    public let action: String
    public let resource: String
    public let tier: Tier
    public let actionDigest: String
    public let policyID: String
    public let policyVersion: Int
    public let approvals: [Approval]

    public init(
        iss: String, sub: String, aud: String, jti: String, iat: Int64, nbf: Int64, exp: Int64, tenant: String, intent: String,
        action: String, resource: String, tier: Tier, actionDigest: String, policyID: String, policyVersion: Int, approvals: [Approval]
    ) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.jti = jti
        self.iat = iat
        self.nbf = nbf
        self.exp = exp
        self.tenant = tenant
        self.intent = intent
        self.action = action
        self.resource = resource
        self.tier = tier
        self.actionDigest = actionDigest
        self.policyID = policyID
        self.policyVersion = policyVersion
        self.approvals = approvals
    }

    /// The claims as the JWS payload carries them.
    public var json: JSONValue {
        [
            "iss": .string(iss), "sub": .string(sub), "aud": .string(aud), "jti": .string(jti),
            "iat": .number(Double(iat)), "nbf": .number(Double(nbf)), "exp": .number(Double(exp)),
            "tenant": .string(tenant), "intent": .string(intent), "action": .string(action), "resource": .string(resource),
            "tier": .string(tier.rawValue), "action_digest": .string(actionDigest),
            "policy": ["id": .string(policyID), "version": .number(Double(policyVersion))],
            "approvals": .array(approvals.map { ["by": .string($0.by), "at": .number(Double($0.at)), "mfa": .bool($0.mfa)] }),
        ]
    }

    /// Parses claims from a payload; `nil` when a required claim is missing or mistyped.
    public init?(json: JSONValue) {
        func string(_ key: String) -> String? { json[key]?.stringValue }
        func integer(_ key: String) -> Int64? { json[key]?.numberValue.flatMap { Int64(exactly: $0) } }
        guard let iss = string("iss"), let sub = string("sub"), let aud = string("aud"), let jti = string("jti"),
            let iat = integer("iat"), let nbf = integer("nbf"), let exp = integer("exp"), let tenant = string("tenant"),
            let intent = string("intent"), let action = string("action"), let resource = string("resource"),
            let tier = string("tier").flatMap(Tier.init(rawValue:)), let digest = string("action_digest"),
            let policyID = json["policy"]?["id"]?.stringValue, let version = json["policy"]?["version"]?.numberValue,
            let approvals = json["approvals"]?.arrayValue
        else { return nil }
        self.init(
            iss: iss, sub: sub, aud: aud, jti: jti, iat: iat, nbf: nbf, exp: exp, tenant: tenant, intent: intent, action: action,
            resource: resource, tier: tier, actionDigest: digest, policyID: policyID, policyVersion: Int(version),
            approvals: approvals.compactMap { item in
                guard let by = item["by"]?.stringValue, let at = item["at"]?.numberValue, case .bool(let mfa)? = item["mfa"] else {
                    return nil
                }
                return Approval(by: by, at: Int64(at), mfa: mfa)
            })
    }
}

/// Signing and offline verification of warrants: Ed25519 JWS, `typ` `writ-warrant+jwt`.
public enum Warrant {
    public static let jwsType = "writ-warrant+jwt"

    /// base64url(SHA-256(JCS({"action", "resource", "params"}))) exactly as submitted.
    public static func actionDigest(action: String, resource: String, params: JSONValue) -> String {
        actionDigest(action: action, resource: resource, canonicalParams: CanonicalJSON.bytes(params))
    }

    /// The same digest from params already in canonical form.
    public static func actionDigest(action: String, resource: String, canonicalParams: [UInt8]) -> String {
        Base64URL.encode(
            SHA256.hash(
                CanonicalJSON.object(canonicalMembers: [
                    "action": CanonicalJSON.bytes(.string(action)), "resource": CanonicalJSON.bytes(.string(resource)),
                    "params": canonicalParams,
                ])))
    }

    /// A new warrant id: 128 random bits, base64url.
    public static func newID() -> String { Base64URL.encode(SecureRandom.bytes(16)) }

    /// The compact JWS of `claims` under the tenant key `kid`.
    public static func sign(_ claims: WarrantClaims, kid: String, key: Ed25519.PrivateKey) throws -> String {
        let header = CanonicalJSON.bytes(["alg": "EdDSA", "kid": .string(kid), "typ": .string(jwsType)])
        return try JWS.sign(header: header, payload: CanonicalJSON.bytes(claims.json), key: key)
    }

    /// Why a warrant was refused.
    public enum Refusal: String, Sendable, Equatable {
        case malformed = "malformed"
        case wrongHeader = "wrong_alg_or_typ"
        case unknownKey = "unknown_kid"
        case badSignature = "bad_signature"
        case expired = "expired"
        case notYetValid = "not_yet_valid"
        case otherTenant = "other_tenant"
    }

    /// The claims of a warrant that verifies with `keys` at `now` for `tenant`, or why not.
    public static func verify(
        _ compact: String, keys: [String: Ed25519.PublicKey], tenant: String, now: Date = Date(), leeway: Int64 = 5
    ) -> Result<WarrantClaims, VerificationError> {
        guard let parts = JWS.Parts(compact: compact), let header = try? JSONParser.parse(parts.header),
            let payload = try? JSONParser.parse(parts.payload), let claims = WarrantClaims(json: payload)
        else { return .failure(.init(.malformed)) }
        guard header["alg"]?.stringValue == "EdDSA", header["typ"]?.stringValue == jwsType else { return .failure(.init(.wrongHeader)) }
        guard let kid = header["kid"]?.stringValue, let key = keys[kid] else { return .failure(.init(.unknownKey)) }
        guard parts.isSigned(by: key) else { return .failure(.init(.badSignature)) }
        guard claims.tenant == tenant else { return .failure(.init(.otherTenant)) }
        let seconds = Int64(now.timeIntervalSince1970)
        guard seconds < claims.exp + leeway else { return .failure(.init(.expired)) }
        guard seconds + leeway >= claims.nbf else { return .failure(.init(.notYetValid)) }
        return .success(claims)
    }

    /// A refusal as an error.
    public struct VerificationError: Error, Sendable, Equatable {
        public let refusal: Refusal
        init(_ refusal: Refusal) { self.refusal = refusal }
    }
}
