import Foundation
import Hummingbird
import WritCore
import WritCrypto
import WritStore

/// A Vienna OS request body: its exact bytes, checked against `X-Vienna-Signature` when the client
/// signed them, then read as strictly as every other JSON body.
///
/// A signature is optional (the bearer key authenticates the request); one that is sent must be
/// `hmac-sha256:<hex>` of the body under the key's signing secret, else 401.
enum ViennaBody {
    static func read(_ request: Request, principal: Principal, identity: IdentityStore) async throws -> (bytes: [UInt8], body: JSONRequest) {
        let bytes = try await JSONRequest.bytes(request)
        if let signature = request.headers[.viennaSignature] {
            try verify(signature, of: bytes, principal: principal, identity: identity)
        }
        return (bytes, try JSONRequest.object(try JSONRequest.parse(bytes)))
    }

    /// Refuses (401) a signature that is malformed, made with another secret, or sent with a
    /// credential that has no signing secret.
    static func verify(_ header: String, of bytes: [UInt8], principal: Principal, identity: IdentityStore) throws {
        guard case .apiKey(let key) = principal, let secret = try identity.requestSigningKey(of: key) else {
            throw unauthorized("X-Vienna-Signature is only for API keys made with a signing secret; this credential has none.")
        }
        let prefix = "hmac-sha256:"
        guard header.hasPrefix(prefix), let code = Hex.decode(String(header.dropFirst(prefix.count))), code.count == 32 else {
            throw unauthorized("X-Vienna-Signature must be hmac-sha256:<64 hex digits>.")
        }
        guard HMACSHA256.isValid(code, for: bytes, key: secret) else {
            throw unauthorized("X-Vienna-Signature does not match the body under this key's signing secret.")
        }
    }

    private static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, type: "invalid-signature", title: "Invalid request signature", detail: detail)
    }
}
