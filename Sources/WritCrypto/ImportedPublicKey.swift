import COpenSSL

/// A public key imported into OpenSSL from its parameters (OpenSSL 3's `EVP_PKEY_fromdata`),
/// checked by OpenSSL and freed when it goes out of scope.
final class ImportedPublicKey {
    /// One parameter of a key, by OpenSSL's parameter name (`OSSL_PKEY_PARAM_…`).
    enum Parameter {
        /// A UTF-8 string, such as a group name.
        case text(String, String)
        /// An octet string, such as an encoded point.
        case octets(String, [UInt8])
        /// An unsigned integer given big-endian, such as an RSA modulus.
        case integer(String, [UInt8])
    }

    let pointer: OpaquePointer

    /// Imports a public key of `algorithm` ("EC", "RSA"); throws when OpenSSL refuses the parameters
    /// (a point off the curve, a wrong length) or, with `check`, the key fails OpenSSL's quick check.
    init(algorithm: String, parameters: [Parameter], check: Bool) throws {
        var storage = ParameterStorage()
        defer { storage.release() }
        guard let builder = OSSL_PARAM_BLD_new() else { throw CryptoError.library("OSSL_PARAM_BLD_new failed") }
        defer { OSSL_PARAM_BLD_free(builder) }
        for parameter in parameters {
            guard storage.push(parameter, into: builder) else {
                ERR_clear_error()
                throw CryptoError.invalidKey("could not hold the \(algorithm) key parameters")
            }
        }
        guard let params = OSSL_PARAM_BLD_to_param(builder) else {
            ERR_clear_error()
            throw CryptoError.library("OSSL_PARAM_BLD_to_param failed")
        }
        defer { OSSL_PARAM_free(params) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, algorithm, nil) else {
            ERR_clear_error()
            throw CryptoError.library("OpenSSL has no \(algorithm) keys")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
            EVP_PKEY_fromdata(context, &key, writ_evp_pkey_public_key_selection(), params) == 1, let key
        else {
            ERR_clear_error()
            throw CryptoError.invalidKey("OpenSSL refused the \(algorithm) public key")
        }
        if check {
            let checker = EVP_PKEY_CTX_new_from_pkey(nil, key, nil)
            defer { EVP_PKEY_CTX_free(checker) }
            guard checker != nil, EVP_PKEY_public_check_quick(checker) == 1 else {
                EVP_PKEY_free(key)
                ERR_clear_error()
                throw CryptoError.invalidKey("the \(algorithm) public key failed OpenSSL's check")
            }
        }
        self.pointer = key
    }

    deinit { EVP_PKEY_free(pointer) }

    /// Whether `signature` verifies over `message` hashed with SHA-256 (for RSA, PKCS #1 v1.5
    /// padding, OpenSSL's default; for EC, a DER-encoded ECDSA signature).
    func isValidSHA256Signature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        let context = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, pointer) == 1 else {
            ERR_clear_error()
            return false
        }
        let status = message.withUnsafeBufferPointer { messageBuffer in
            signature.withUnsafeBufferPointer { signatureBuffer in
                EVP_DigestVerify(
                    context, signatureBuffer.baseAddress, signatureBuffer.count, messageBuffer.baseAddress, messageBuffer.count)
            }
        }
        // A refused signature leaves OpenSSL errors on this thread's queue; they would mislead the next reader.
        if status != 1 { ERR_clear_error() }
        return status == 1
    }
}

/// The C memory that parameters reference until OpenSSL has imported the key: the builder keeps
/// pointers to names, strings and numbers, and the built parameters keep the names.
private struct ParameterStorage {
    private var buffers: [UnsafeMutableRawPointer] = []
    private var numbers: [OpaquePointer] = []

    /// Adds `parameter` to `builder`; `false` when OpenSSL could not take it.
    mutating func push(_ parameter: ImportedPublicKey.Parameter, into builder: OpaquePointer) -> Bool {
        switch parameter {
        case .text(let name, let value):
            let text = hold(Array(value.utf8) + [0]).assumingMemoryBound(to: CChar.self)
            return OSSL_PARAM_BLD_push_utf8_string(builder, cName(name), text, value.utf8.count) == 1
        case .octets(let name, let value):
            return OSSL_PARAM_BLD_push_octet_string(builder, cName(name), hold(value), value.count) == 1
        case .integer(let name, let value):
            guard let length = Int32(exactly: value.count),
                let number = value.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, length, nil) })
            else { return false }
            numbers.append(number)
            return OSSL_PARAM_BLD_push_BN(builder, cName(name), number) == 1
        }
    }

    /// Frees everything held.
    mutating func release() {
        for buffer in buffers { buffer.deallocate() }
        for number in numbers { BN_free(number) }
        buffers = []
        numbers = []
    }

    private mutating func cName(_ name: String) -> UnsafeMutablePointer<CChar> {
        hold(Array(name.utf8) + [0]).assumingMemoryBound(to: CChar.self)
    }

    /// A C copy of `bytes` (at least one byte long, so it always has an address).
    private mutating func hold(_ bytes: [UInt8]) -> UnsafeMutableRawPointer {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { buffer.copyMemory(from: base, byteCount: source.count) }
        }
        buffers.append(buffer)
        return buffer
    }
}
