import WritCrypto

/// Argon2id on the bounded CPU lane: hashing is deliberately slow and memory-hard, so at most a
/// few run at once and a flood of guesses is refused (503) instead of queueing without end.
struct PasswordHashing: Sendable {
    static let minimumLength = 12

    let lane: CPUWork

    init(lane: CPUWork = CPUWork(purpose: "password")) {
        self.lane = lane
    }

    /// A PHC string for `password`.
    func hash(_ password: String) async throws -> String {
        try await lane.run { try Argon2id.hash(password: password) }
    }

    /// Whether `password` matches `phc`. With no stored hash it still spends the same work.
    func verify(_ password: String, phc: String?) async throws -> Bool {
        try await lane.run {
            guard let phc else {
                _ = Argon2id.verify(password: password, phc: Self.dummy)
                return false
            }
            return Argon2id.verify(password: password, phc: phc)
        }
    }

    /// Verified against when an account does not exist, so unknown emails take as long as wrong passwords.
    private static let dummy: String = (try? Argon2id.hash(password: Base64URL.encode(SecureRandom.bytes(16)))) ?? ""
}
