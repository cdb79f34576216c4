/// Why a passkey registration or assertion was refused. Two errors are equal when their reasons
/// are, whatever their detail; descriptions never hold key material, signatures or challenges.
public struct PasskeyError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Reason: Sendable, Equatable {
        case malformedCBOR
        case malformedAttestationObject
        case malformedAuthenticatorData
        case malformedClientData
        case unsupportedKey
        case invalidKey
        case unsupportedAttestation
        case attestationInvalid
        case wrongType
        case challengeMismatch
        case originNotAllowed
        case crossOrigin
        case rpIDMismatch
        case userNotPresent
        case userNotVerified
        case missingCredential
        case backupStateInconsistent
        case signatureInvalid
        case signCountNotIncreasing
        case nonceTooShort
    }

    private let reason: Reason
    private let detail: String

    private init(_ reason: Reason, _ detail: String = "") {
        self.reason = reason
        self.detail = detail
    }

    /// The same error with words on what exactly is wrong.
    func detailed(_ detail: String) -> PasskeyError { PasskeyError(reason, detail) }

    public static func == (lhs: PasskeyError, rhs: PasskeyError) -> Bool { lhs.reason == rhs.reason }

    /// Bytes that are not the strict CBOR subset WebAuthn needs.
    public static let malformedCBOR = PasskeyError(.malformedCBOR)
    /// An attestation object without `fmt`, `attStmt` and `authData` of the right types.
    public static let malformedAttestationObject = PasskeyError(.malformedAttestationObject)
    /// Authenticator data too short, too long or inconsistent with its flags.
    public static let malformedAuthenticatorData = PasskeyError(.malformedAuthenticatorData)
    /// Client data that is not a JSON object with the members WebAuthn defines.
    public static let malformedClientData = PasskeyError(.malformedClientData)
    /// A COSE key of a type, curve or algorithm other than ES256, EdDSA (Ed25519) and RS256.
    public static let unsupportedKey = PasskeyError(.unsupportedKey)
    /// A supported COSE key whose values are not a valid public key.
    public static let invalidKey = PasskeyError(.invalidKey)
    /// An attestation format other than `none` and self-attested `packed`.
    public static let unsupportedAttestation = PasskeyError(.unsupportedAttestation)
    /// An attestation statement whose signature does not verify.
    public static let attestationInvalid = PasskeyError(.attestationInvalid)
    /// Client data of another ceremony (`webauthn.create` where `webauthn.get` was expected, or the reverse).
    public static let wrongType = PasskeyError(.wrongType)
    /// Client data signed for another challenge.
    public static let challengeMismatch = PasskeyError(.challengeMismatch)
    /// Client data from an origin that is not allowed.
    public static let originNotAllowed = PasskeyError(.originNotAllowed)
    /// Client data from a page embedded in a frame of another origin.
    public static let crossOrigin = PasskeyError(.crossOrigin)
    /// Authenticator data scoped to another relying party ID.
    public static let rpIDMismatch = PasskeyError(.rpIDMismatch)
    /// Authenticator data without the user-present flag.
    public static let userNotPresent = PasskeyError(.userNotPresent)
    /// Authenticator data without the user-verified flag where verification is required.
    public static let userNotVerified = PasskeyError(.userNotVerified)
    /// Registration authenticator data without attested credential data.
    public static let missingCredential = PasskeyError(.missingCredential)
    /// The backed-up flag set without the backup-eligible flag.
    public static let backupStateInconsistent = PasskeyError(.backupStateInconsistent)
    /// An assertion signature that does not verify under the credential's public key.
    public static let signatureInvalid = PasskeyError(.signatureInvalid)
    /// A signature counter that did not increase: the authenticator may have been cloned.
    public static let signCountNotIncreasing = PasskeyError(.signCountNotIncreasing)
    /// An approval challenge nonce shorter than 16 bytes.
    public static let nonceTooShort = PasskeyError(.nonceTooShort)

    public var description: String {
        detail.isEmpty ? summary : "\(summary): \(detail)"
    }

    private var summary: String {
        switch reason {
        case .malformedCBOR: "malformed CBOR"
        case .malformedAttestationObject: "malformed attestation object"
        case .malformedAuthenticatorData: "malformed authenticator data"
        case .malformedClientData: "malformed client data"
        case .unsupportedKey: "unsupported credential public key"
        case .invalidKey: "invalid credential public key"
        case .unsupportedAttestation: "unsupported attestation"
        case .attestationInvalid: "the attestation signature does not verify"
        case .wrongType: "client data of the wrong ceremony type"
        case .challengeMismatch: "the client data's challenge is not the one issued"
        case .originNotAllowed: "origin not allowed"
        case .crossOrigin: "the ceremony ran in a cross-origin frame"
        case .rpIDMismatch: "the authenticator data is for another relying party ID"
        case .userNotPresent: "the authenticator did not report user presence"
        case .userNotVerified: "the authenticator did not report user verification, which is required"
        case .missingCredential: "the authenticator data holds no attested credential"
        case .backupStateInconsistent: "the backed-up flag is set on a credential that is not backup eligible"
        case .signatureInvalid: "the assertion signature does not verify"
        case .signCountNotIncreasing: "the signature counter did not increase; the authenticator may have been cloned"
        case .nonceTooShort: "an approval nonce must be at least 16 bytes"
        }
    }
}
