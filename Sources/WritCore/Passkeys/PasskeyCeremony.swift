import WritCrypto

/// The checks registration and authentication share (WebAuthn §7.1 and §7.2): the client data's
/// type, challenge and origin, and the authenticator data's RP ID hash and flags.
enum PasskeyCeremony {
    /// Checks that `clientData` is of `type`, answers `challenge` and comes from one of `origins`,
    /// in a top-level page (Writ's pages are never embedded in another origin's frame).
    static func check(
        _ clientData: ClientData, type: ClientData.CeremonyType, challenge: [UInt8], origins: Set<String>
    ) throws(PasskeyError) {
        guard clientData.ceremony == type else { throw .wrongType.detailed("expected \(type.rawValue)") }
        guard !challenge.isEmpty, clientData.challenge == challenge else { throw .challengeMismatch }
        guard origins.contains(clientData.origin) else { throw .originNotAllowed.detailed(String(clientData.origin.prefix(200))) }
        guard !clientData.crossOrigin else { throw .crossOrigin }
    }

    /// Checks that `data` is scoped to `rpID`, that the user was present and, when required,
    /// verified, and that the backup flags are consistent.
    static func check(_ data: AuthenticatorData, rpID: String, requireUserVerification: Bool) throws(PasskeyError) {
        guard data.rpIDHash == SHA256.hash(Array(rpID.utf8)) else { throw .rpIDMismatch }
        guard data.flags.contains(.userPresent) else { throw .userNotPresent }
        guard !requireUserVerification || data.flags.contains(.userVerified) else { throw .userNotVerified }
        guard data.flags.contains(.backupEligible) || !data.flags.contains(.backedUp) else { throw .backupStateInconsistent }
    }
}
