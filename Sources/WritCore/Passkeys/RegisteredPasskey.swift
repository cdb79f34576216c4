/// A passkey whose registration verified: what to store for the member (with the transports and
/// a name, which the caller supplies).
public struct RegisteredPasskey: Sendable, Equatable {
    /// The credential id, 1 to 1023 bytes.
    public let credentialID: [UInt8]
    /// The credential public key; store `publicKey.bytes`.
    public let publicKey: COSEKey
    /// The initial signature counter.
    public let signCount: UInt32
    /// The authenticator model's AAGUID (zeros under attestation `none`).
    public let aaguid: [UInt8]
    /// The attestation the registration carried.
    public let attestation: AttestationFormat
    /// Whether the authenticator verified the person at registration.
    public let userVerified: Bool
    /// Whether the credential may be backed up (a synced passkey); fixed for its lifetime.
    public let backupEligible: Bool
    /// Whether the credential was backed up at registration.
    public let backedUp: Bool

    /// The credential's signature algorithm.
    public var algorithm: COSEKey.Algorithm { publicKey.algorithm }
}
