/// The attested credential data of registration authenticator data (WebAuthn §6.5.1): the
/// authenticator's AAGUID, the new credential's id and its public key.
public struct AttestedCredential: Sendable, Equatable {
    /// The longest credential id WebAuthn allows.
    public static let maxIDLength = 1023

    /// The authenticator model's AAGUID, 16 bytes (zeros under attestation `none`).
    public let aaguid: [UInt8]
    /// The credential id, 1 to 1023 bytes.
    public let id: [UInt8]
    /// The credential public key.
    public let publicKey: COSEKey

    /// Reads the attested credential data that starts at `start` and returns it with the index
    /// just past its COSE key.
    static func read(from bytes: [UInt8], at start: Int) throws(PasskeyError) -> (AttestedCredential, end: Int) {
        guard start >= 0, start <= bytes.count, bytes.count - start >= 18 else {
            throw .malformedAuthenticatorData.detailed("attested credential data shorter than 18 bytes")
        }
        let length = Int(bytes[start + 16]) << 8 | Int(bytes[start + 17])
        guard (1...maxIDLength).contains(length) else {
            throw .malformedAuthenticatorData.detailed("a credential id of \(length) bytes (1 to \(maxIDLength) allowed)")
        }
        let idStart = start + 18
        guard bytes.count - idStart >= length else { throw .malformedAuthenticatorData.detailed("the credential id runs past the end") }
        let keyStart = idStart + length
        guard keyStart < bytes.count else { throw .malformedAuthenticatorData.detailed("no credential public key") }
        let (keyValue, end) = try CBORDecoder.decodePrefix(of: bytes, from: keyStart)
        let credential = AttestedCredential(
            aaguid: Array(bytes[start..<start + 16]),
            id: Array(bytes[idStart..<keyStart]),
            publicKey: try COSEKey(keyValue, bytes: Array(bytes[keyStart..<end]))
        )
        return (credential, end)
    }
}
