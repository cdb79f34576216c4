import COpenSSL

/// HMAC-SHA-256 (RFC 2104) through OpenSSL.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticate(_ message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        OpenSSLHMAC.authenticate(message, key: key, digest: EVP_sha256(), length: 32)
    }

    /// Whether `code` is the authentication code of `message`, compared in constant time.
    public static func isValid(_ code: some Collection<UInt8>, for message: some Collection<UInt8>, key: some Collection<UInt8>) -> Bool {
        ConstantTime.equals(authenticate(message, key: key), Array(code))
    }
}

/// Comparisons whose duration does not depend on where the inputs differ.
public enum ConstantTime {
    /// Whether two byte strings are equal; lengths are not secret.
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

/// HMAC-SHA-1, only for TOTP (RFC 6238), whose authenticator apps expect it.
public enum HMACSHA1 {
    /// The 20-byte authentication code of `message` under `key`.
    public static func authenticate(_ message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        OpenSSLHMAC.authenticate(message, key: key, digest: EVP_sha1(), length: 20)
    }
}

enum OpenSSLHMAC {
    static func authenticate(
        _ message: some Collection<UInt8>, key: some Collection<UInt8>, digest: OpaquePointer?, length expected: Int
    ) -> [UInt8] {
        let key = Array(key)
        let message = Array(message)
        var code = [UInt8](repeating: 0, count: expected)
        var length: UInt32 = 0
        let result = key.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                HMAC(
                    digest, keyBuffer.baseAddress, Int32(keyBuffer.count),
                    messageBuffer.baseAddress, messageBuffer.count, &code, &length)
            }
        }
        precondition(result != nil && Int(length) == expected, "OpenSSL HMAC failed")
        return code
    }
}
