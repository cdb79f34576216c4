import CArgon2

/// Argon2id password hashing (RFC 9106) through the reference library, as PHC strings.
public enum Argon2id {
    /// Cost parameters. The defaults meet OWASP's minimum (19 MiB, 2 passes, 1 lane).
    public struct Parameters: Sendable, Equatable {
        /// Memory in KiB.
        public var memoryKiB: UInt32
        /// Passes over memory.
        public var iterations: UInt32
        /// Lanes.
        public var parallelism: UInt32

        public init(memoryKiB: UInt32 = 19_456, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
            self.memoryKiB = memoryKiB
            self.iterations = iterations
            self.parallelism = parallelism
        }

        /// OWASP's recommended minimum.
        public static let owasp = Parameters()
    }

    /// Hashes `password` with a random 16-byte salt into a `$argon2id$v=19$…` PHC string.
    public static func hash(password: String, parameters: Parameters = .owasp) throws -> String {
        try hash(password: password, salt: SecureRandom.bytes(16), parameters: parameters)
    }

    /// Hashes with a given salt (for test vectors).
    public static func hash(password: String, salt: [UInt8], parameters: Parameters, length: Int = 32) throws -> String {
        let passwordBytes = Array(password.utf8)
        let encodedLength = argon2_encodedlen(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism,
            UInt32(salt.count), UInt32(length), Argon2_id)
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let status = argon2id_hash_encoded(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism,
            passwordBytes, passwordBytes.count, salt, salt.count, length, &encoded, encodedLength)
        guard status == ARGON2_OK.rawValue else { throw CryptoError.library(errorText(status)) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches the PHC string; `false` also for a malformed string.
    public static func verify(password: String, phc: String) -> Bool {
        let passwordBytes = Array(password.utf8)
        return argon2id_verify(phc, passwordBytes, passwordBytes.count) == ARGON2_OK.rawValue
    }

    /// The raw tag with secret and associated data, as RFC 9106 §5.3's test vector uses them.
    public static func rawHash(
        password: [UInt8], salt: [UInt8], secret: [UInt8], associatedData: [UInt8],
        parameters: Parameters, length: Int
    ) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        var password = password
        var salt = salt
        var secret = secret
        var associatedData = associatedData
        let status = output.withUnsafeMutableBufferPointer { out in
            password.withUnsafeMutableBufferPointer { pwd in
                salt.withUnsafeMutableBufferPointer { saltBuffer in
                    secret.withUnsafeMutableBufferPointer { secretBuffer in
                        associatedData.withUnsafeMutableBufferPointer { adBuffer in
                            var context = Argon2_Context(
                                out: out.baseAddress, outlen: UInt32(length),
                                pwd: pwd.baseAddress, pwdlen: UInt32(pwd.count),
                                salt: saltBuffer.baseAddress, saltlen: UInt32(saltBuffer.count),
                                secret: secretBuffer.baseAddress, secretlen: UInt32(secretBuffer.count),
                                ad: adBuffer.baseAddress, adlen: UInt32(adBuffer.count),
                                t_cost: parameters.iterations, m_cost: parameters.memoryKiB,
                                lanes: parameters.parallelism, threads: parameters.parallelism,
                                version: UInt32(ARGON2_VERSION_13.rawValue),
                                allocate_cbk: nil, free_cbk: nil, flags: 0)
                            return argon2_ctx(&context, Argon2_id)
                        }
                    }
                }
            }
        }
        guard status == ARGON2_OK.rawValue else { throw CryptoError.library(errorText(status)) }
        return output
    }

    private static func errorText(_ status: Int32) -> String {
        String(cString: argon2_error_message(status))
    }
}
