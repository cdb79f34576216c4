import Foundation
import WritCore
import WritCrypto

/// What an agent submitted, validated.
public struct IntentSubmission: Sendable {
    public let action: String
    public let resource: String
    public let params: JSONValue
    public let target: String?
    public let justification: String?
    public let idempotencyKey: String?

    public init(action: String, resource: String, params: JSONValue, target: String?, justification: String?, idempotencyKey: String?) {
        self.action = action
        self.resource = resource
        self.params = params
        self.target = target
        self.justification = justification
        self.idempotencyKey = idempotencyKey
    }

    /// The hash that tells a retried submission from a different one under the same idempotency key.
    var requestHash: String {
        var object: [String: JSONValue] = ["action": .string(action), "resource": .string(resource), "params": params]
        if let target { object["target"] = .string(target) }
        if let justification { object["justification"] = .string(justification) }
        return SHA256.hexHash(CanonicalJSON.bytes(.object(object)))
    }
}
