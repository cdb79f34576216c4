import COpenSSL

/// SHA-256 over data that arrives in pieces (a file streamed into an archive), through OpenSSL.
/// One owner at a time: not `Sendable`.
public final class SHA256Hasher {
    private let context: OpaquePointer

    public init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            preconditionFailure("OpenSSL SHA-256 context could not be made")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds the next piece.
    public func update(_ bytes: some Collection<UInt8>) {
        let status =
            bytes.withContiguousStorageIfAvailable { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
            ?? Array(bytes).withUnsafeBufferPointer { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        precondition(status == 1, "OpenSSL SHA-256 update failed")
    }

    /// The lowercase hex digest of everything added; the hasher is spent afterwards.
    public func finalizeHex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &digest, &length) == 1 && length == 32, "OpenSSL SHA-256 final failed")
        return Hex.encode(digest)
    }
}
