import Foundation
import Testing
import WritCore
import WritCrypto

@Suite("Warrant signing and offline verification", .timeLimit(.minutes(1)))
struct WarrantTests {
    let key = Ed25519.PrivateKey()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func claims(tenant: String = "t1", iat: Int64? = nil, ttl: Int64 = 300) -> WarrantClaims {
        let issued = iat ?? Int64(now.timeIntervalSince1970)
        return WarrantClaims(
            iss: "https://writ.example", sub: "agent", aud: "k8s", jti: Warrant.newID(), iat: issued, nbf: issued, exp: issued + ttl,
            tenant: tenant, intent: "intent", action: "k8s.scale", resource: "prod/web", tier: .t1,
            actionDigest: Warrant.actionDigest(action: "k8s.scale", resource: "prod/web", params: ["replicas": 3]),
            policyID: "p", policyVersion: 1, approvals: [.init(by: "u", at: issued, mfa: false)])
    }

    func refusal(_ token: String, keys: [String: Ed25519.PublicKey]? = nil, tenant: String = "t1", at date: Date? = nil) -> Warrant.Refusal?
    {
        switch Warrant.verify(token, keys: keys ?? ["k1": key.publicKey], tenant: tenant, now: date ?? now) {
        case .success: nil
        case .failure(let error): error.refusal
        }
    }

    @Test("a signed warrant verifies and round-trips its claims")
    func roundTrip() throws {
        let original = claims()
        let token = try Warrant.sign(original, kid: "k1", key: key)
        #expect(try Warrant.verify(token, keys: ["k1": key.publicKey], tenant: "t1", now: now).get() == original)
    }

    @Test("every refusal: signature, kid, alg/typ, expiry, not-before, tenant, shape")
    func refusals() throws {
        let token = try Warrant.sign(claims(), kid: "k1", key: key)
        #expect(refusal(token, keys: ["k1": Ed25519.PrivateKey().publicKey]) == .badSignature)
        #expect(refusal(token, keys: ["k2": key.publicKey]) == .unknownKey)
        #expect(refusal(token, tenant: "t2") == .otherTenant)
        #expect(refusal(token, at: now.addingTimeInterval(400)) == .expired)
        #expect(refusal(token, at: now.addingTimeInterval(-60)) == .notYetValid)
        #expect(refusal("not.a.jws") == .malformed)
        let payload = CanonicalJSON.bytes(claims().json)
        let wrongType = try JWS.sign(header: CanonicalJSON.bytes(["alg": "EdDSA", "kid": "k1", "typ": "JWT"]), payload: payload, key: key)
        #expect(refusal(wrongType) == .wrongHeader)
        let wrongAlg = try JWS.sign(
            header: CanonicalJSON.bytes(["alg": "none", "kid": "k1", "typ": "writ-warrant+jwt"]), payload: payload, key: key)
        #expect(refusal(wrongAlg) == .wrongHeader)
        let checkpoint = try JWS.sign(
            header: CanonicalJSON.bytes(["alg": "EdDSA", "kid": "k1", "typ": "writ-checkpoint+jwt"]), payload: payload, key: key)
        #expect(refusal(checkpoint) == .wrongHeader)
    }

    @Test("the action digest is base64url SHA-256 of the canonical {action, resource, params}")
    func digest() {
        let digest = Warrant.actionDigest(action: "a", resource: "r", params: ["b": 1, "a": [true, nil]])
        let expected = Base64URL.encode(SHA256.hash(Array(#"{"action":"a","params":{"a":[true,null],"b":1},"resource":"r"}"#.utf8)))
        #expect(digest == expected)
        #expect(!digest.contains("="))
    }
}
