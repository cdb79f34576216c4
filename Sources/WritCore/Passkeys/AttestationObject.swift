/// A registration's attestation object (WebAuthn §6.5.4): a CBOR map of exactly `fmt`, `attStmt`
/// and `authData`.
struct AttestationObject {
    /// The attestation statement format, such as `none` or `packed`.
    let format: String
    /// The attestation statement, a CBOR map whose shape the format defines.
    let statement: [CBORValue: CBORValue]
    /// The authenticator data.
    let authenticatorData: AuthenticatorData

    init(bytes: some Collection<UInt8>) throws(PasskeyError) {
        guard let map = try CBORDecoder.decode(bytes).mapValue else { throw .malformedAttestationObject.detailed("not a CBOR map") }
        guard map.count == 3, let format = map[.text("fmt")]?.textValue, let statement = map[.text("attStmt")]?.mapValue,
            let authData = map[.text("authData")]?.bytesValue
        else {
            throw .malformedAttestationObject.detailed("expected exactly fmt (text), attStmt (map) and authData (bytes)")
        }
        self.format = format
        self.statement = statement
        self.authenticatorData = try AuthenticatorData(bytes: authData)
    }

    /// Verifies the attestation statement for `credential` over the authenticator data and
    /// `clientDataHash`: `none` must be empty; `packed` must be self attestation (no certificate)
    /// signed by the credential's own key with its own algorithm. Other formats are refused.
    func verifyStatement(credential: AttestedCredential, clientDataHash: [UInt8]) throws(PasskeyError) -> AttestationFormat {
        switch format {
        case AttestationFormat.unattested.rawValue:
            guard statement.isEmpty else { throw .malformedAttestationObject.detailed("a none attestation statement must be empty") }
            return .unattested
        case AttestationFormat.selfAttested.rawValue:
            guard statement[.text("x5c")] == nil, statement[.text("ecdaaKeyId")] == nil else {
                throw .unsupportedAttestation.detailed(
                    "packed attestation with a certificate is not verified here; ask for attestation \"none\"")
            }
            guard statement.count == 2, let algorithm = statement[.text("alg")]?.integerValue,
                let signature = statement[.text("sig")]?.bytesValue
            else { throw .malformedAttestationObject.detailed("a packed self attestation holds exactly alg and sig") }
            guard algorithm == credential.publicKey.algorithm.rawValue else {
                throw .attestationInvalid.detailed("the statement's algorithm is not the credential's")
            }
            guard credential.publicKey.isValidSignature(signature, for: authenticatorData.bytes + clientDataHash) else {
                throw .attestationInvalid
            }
            return .selfAttested
        default:
            throw .unsupportedAttestation.detailed("format \"\(format.prefix(40))\"; accepted: none and packed self attestation")
        }
    }
}
