import COpenSSL

/// SHA-256 (FIPS 180-4) through OpenSSL.
public enum SHA256 {
    /// The 32-byte digest of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status =
            data.withContiguousStorageIfAvailable { buffer in
                EVP_Digest(buffer.baseAddress, buffer.count, &digest, &length, EVP_sha256(), nil)
            }
            ?? Array(data).withUnsafeBufferPointer { buffer in
                EVP_Digest(buffer.baseAddress, buffer.count, &digest, &length, EVP_sha256(), nil)
            }
        precondition(status == 1 && length == 32, "OpenSSL SHA-256 failed")
        return digest
    }

    /// The lowercase hex digest of `data`.
    public static func hexHash(_ data: some Collection<UInt8>) -> String {
        Hex.encode(hash(data))
    }
}
