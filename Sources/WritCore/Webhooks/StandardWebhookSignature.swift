import Foundation
import WritCrypto

/// Signing per the Standard Webhooks specification: HMAC-SHA-256 over `id.timestamp.payload`,
/// sent as `webhook-signature: v1,<base64>`, several separated by spaces while secrets overlap.
public enum StandardWebhookSignature {
    /// The `v1,…` signature of one message under one secret.
    public static func sign(id: String, timestamp: Int64, payload: [UInt8], secret: WebhookSecret) -> String {
        let content = Array("\(id).\(timestamp).".utf8) + payload
        return "v1," + Data(HMACSHA256.authenticate(content, key: secret.key)).base64EncodedString()
    }

    /// The `webhook-signature` header value: one signature per secret, the newest first.
    public static func header(id: String, timestamp: Int64, payload: [UInt8], secrets: [WebhookSecret]) -> String {
        secrets.map { sign(id: id, timestamp: timestamp, payload: payload, secret: $0) }.joined(separator: " ")
    }
}
