import NIOPosix
import WritCrypto

/// Argon2id off the request threads: hashing is deliberately slow and memory-hard.
enum PasswordHashing {
    static let minimumLength = 12

    /// A PHC string for `password`.
    static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { try Argon2id.hash(password: password) }
    }

    /// Whether `password` matches `phc`. With no stored hash it still spends the same work.
    static func verify(_ password: String, phc: String?) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive {
            guard let phc else {
                _ = Argon2id.verify(password: password, phc: dummy)
                return false
            }
            return Argon2id.verify(password: password, phc: phc)
        }
    }

    /// Verified against when an account does not exist, so unknown emails take as long as wrong passwords.
    private static let dummy: String = (try? Argon2id.hash(password: Base64URL.encode(SecureRandom.bytes(16)))) ?? ""
}
