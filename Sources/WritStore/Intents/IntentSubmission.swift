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
    /// `params` in RFC 8785 form, made once: stored, hashed for idempotency and digested into the warrant.
    public let canonicalParams: [UInt8]

    public init(action: String, resource: String, params: JSONValue, target: String?, justification: String?, idempotencyKey: String?) {
        self.action = action
        self.resource = resource
        self.params = params
        self.target = target
        self.justification = justification
        self.idempotencyKey = idempotencyKey
        self.canonicalParams = CanonicalJSON.bytes(params)
    }

    /// The hash that tells a retried submission from a different one under the same idempotency key.
    var requestHash: String {
        var members: [String: [UInt8]] = [
            "action": CanonicalJSON.bytes(.string(action)), "resource": CanonicalJSON.bytes(.string(resource)), "params": canonicalParams,
        ]
        if let target { members["target"] = CanonicalJSON.bytes(.string(target)) }
        if let justification { members["justification"] = CanonicalJSON.bytes(.string(justification)) }
        return SHA256.hexHash(CanonicalJSON.object(canonicalMembers: members))
    }

    /// The warrant's `action_digest` for this submission.
    var actionDigest: String {
        Warrant.actionDigest(action: action, resource: resource, canonicalParams: canonicalParams)
    }
}
