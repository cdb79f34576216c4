import Foundation
import Hummingbird
import WritCore
import WritCrypto
import WritStore

/// A Vienna OS request body: its exact bytes, checked against `X-Vienna-Signature` when the client
/// signed them, then read as strictly as every other JSON body.
///
/// A signature is optional (the bearer key authenticates the request); one that is sent must be
/// `hmac-sha256:<hex>` under the key's signing secret, else 401. Over the body alone it proves the
/// body's integrity but not its freshness: a captured request can be sent again. A client that
/// also sends `X-Vienna-Timestamp: <Unix seconds>` signs `<timestamp>.<body>` instead; the time
/// must be within ±5 minutes of the server's and each such signature is accepted once
/// (docs/vienna-compatibility.md, "Signed requests").
enum ViennaBody {
    /// How far a signed timestamp may be from the server's clock, in seconds.
    static let window: Int64 = 300

    static func read(_ request: Request, principal: Principal, identity: IdentityStore) async throws -> (bytes: [UInt8], body: JSONRequest)
    {
        let bytes = try await JSONRequest.bytes(request)
        let timestamp = request.headers[.viennaTimestamp]
        if let signature = request.headers[.viennaSignature] {
            try await verify(signature, of: bytes, timestamp: timestamp, principal: principal, identity: identity)
        } else if timestamp != nil {
            throw unauthorized("X-Vienna-Timestamp is only meaningful with the X-Vienna-Signature it is signed with.")
        }
        return (bytes, try JSONRequest.object(try JSONRequest.parse(bytes)))
    }

    /// Refuses (401) a signature that is malformed, made with another secret, sent with a
    /// credential that has no signing secret, or — with a timestamp — stale, early or replayed.
    static func verify(_ header: String, of bytes: [UInt8], timestamp: String?, principal: Principal, identity: IdentityStore) async throws
    {
        guard case .apiKey(let key) = principal, let secret = try identity.requestSigningKey(of: key) else {
            throw unauthorized("X-Vienna-Signature is only for API keys made with a signing secret; this credential has none.")
        }
        let prefix = "hmac-sha256:"
        guard header.hasPrefix(prefix), let code = Hex.decode(String(header.dropFirst(prefix.count))), code.count == 32 else {
            throw unauthorized("X-Vienna-Signature must be hmac-sha256:<64 hex digits>.")
        }
        guard let timestamp else {
            guard HMACSHA256.isValid(code, for: bytes, key: secret) else {
                throw unauthorized("X-Vienna-Signature does not match the body under this key's signing secret.")
            }
            return
        }
        let now = Int64(Date().timeIntervalSince1970)
        guard timestamp.utf8.count <= 12, timestamp.utf8.allSatisfy({ (48...57).contains($0) }), let seconds = Int64(timestamp),
            abs(seconds - now) <= window
        else {
            throw unauthorized("X-Vienna-Timestamp must be the Unix time in seconds, within \(window / 60) minutes of the server's clock.")
        }
        guard HMACSHA256.isValid(code, for: Array("\(timestamp).".utf8) + bytes, key: secret) else {
            throw unauthorized("X-Vienna-Signature does not match <timestamp>.<body> under this key's signing secret.")
        }
        let until = Date(timeIntervalSince1970: TimeInterval(seconds + window))
        guard try await identity.rememberSignedRequest(tenant: key.tenantID, key: key.keyID, signature: code, until: until) else {
            throw unauthorized("This signed request was already received; sign each request with a new timestamp.")
        }
    }

    private static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, type: "invalid-signature", title: "Invalid request signature", detail: detail)
    }
}
