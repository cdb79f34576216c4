/// The attestation a registration carried, as far as Writ checks it.
public enum AttestationFormat: String, Sendable, CaseIterable {
    /// Format `none`: nothing is claimed about the authenticator's make.
    case unattested = "none"
    /// Format `packed` without a certificate: the credential's own key signed its registration.
    case selfAttested = "packed"
}
