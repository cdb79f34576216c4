import WritCrypto

/// The WebAuthn challenge an approver's passkey signs to approve or reject one intent: SHA-256 of
/// the RFC 8785 canonical JSON of `{"purpose": "writ.approval", "intent_id", "action_digest",
/// "decision", "nonce"}` (docs/passkeys.md, "Approval challenge"). The assertion so commits to the
/// exact action, the decision and a server nonce, and can be re-checked offline.
public enum ApprovalChallenge {
    /// The `purpose` member, which keeps an approval challenge apart from any other signed JSON.
    public static let purpose = "writ.approval"
    /// The shortest nonce accepted.
    public static let minimumNonceLength = 16

    /// The 32-byte challenge for `decision` on the intent `intentID` whose warrant would carry
    /// `actionDigest` (base64url SHA-256, as in the warrant), with the server's `nonce`.
    public static func bytes(
        intentID: String, actionDigest: String, decision: ApprovalDecision, nonce: [UInt8]
    ) throws(PasskeyError) -> [UInt8] {
        SHA256.hash(try document(intentID: intentID, actionDigest: actionDigest, decision: decision, nonce: nonce))
    }

    /// The canonical JSON the challenge hashes, for evidence and offline verifiers.
    public static func document(
        intentID: String, actionDigest: String, decision: ApprovalDecision, nonce: [UInt8]
    ) throws(PasskeyError) -> [UInt8] {
        guard nonce.count >= minimumNonceLength else { throw .nonceTooShort }
        return CanonicalJSON.bytes([
            "purpose": .string(purpose),
            "intent_id": .string(intentID),
            "action_digest": .string(actionDigest),
            "decision": .string(decision.rawValue),
            "nonce": .string(Base64URL.encode(nonce)),
        ])
    }
}
