import COpenSSL

/// AES-256-GCM authenticated encryption through OpenSSL.
///
/// A sealed box is `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`.
public enum AESGCM {
    static let nonceLength = 12
    static let tagLength = 16

    /// Encrypts `plaintext` under a 32-byte `key` with a fresh random nonce.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        let nonce = SecureRandom.bytes(nonceLength)
        let (ciphertext, tag) = try encrypt(plaintext, key: key, nonce: nonce, associatedData: associatedData)
        return nonce + ciphertext + tag
    }

    /// Decrypts and authenticates a sealed box; throws ``CryptoError/authenticationFailed`` on any change.
    public static func open(_ sealed: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        guard sealed.count >= nonceLength + tagLength else { throw CryptoError.authenticationFailed }
        let nonce = Array(sealed[..<nonceLength])
        let ciphertext = Array(sealed[nonceLength..<(sealed.count - tagLength)])
        let tag = Array(sealed[(sealed.count - tagLength)...])
        return try decrypt(ciphertext, tag: tag, key: key, nonce: nonce, associatedData: associatedData)
    }

    /// Raw GCM encryption with a caller-chosen 12-byte nonce (for test vectors; never reuse a nonce).
    public static func encrypt(
        _ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]
    ) throws -> (ciphertext: [UInt8], tag: [UInt8]) {
        guard key.count == 32 else { throw CryptoError.invalidKey("AES-256-GCM needs a 32-byte key") }
        guard nonce.count == nonceLength else { throw CryptoError.invalidKey("AES-GCM needs a 12-byte nonce") }
        guard let context = EVP_CIPHER_CTX_new() else { throw CryptoError.library("EVP_CIPHER_CTX_new failed") }
        defer { EVP_CIPHER_CTX_free(context) }
        var length: Int32 = 0
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: tagLength)
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1,
            associatedData.isEmpty || EVP_EncryptUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1,
            EVP_EncryptUpdate(context, &ciphertext, &length, plaintext, Int32(plaintext.count)) == 1
        else { throw CryptoError.library("AES-GCM encryption failed") }
        let written = Int(length)
        let finalStatus = ciphertext.withUnsafeMutableBufferPointer {
            EVP_EncryptFinal_ex(context, $0.baseAddress! + written, &length)
        }
        guard finalStatus == 1,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), &tag) == 1
        else { throw CryptoError.library("AES-GCM finalization failed") }
        return (Array(ciphertext[..<(written + Int(length))]), tag)
    }

    /// Raw GCM decryption; throws ``CryptoError/authenticationFailed`` when the tag does not match.
    public static func decrypt(
        _ ciphertext: [UInt8], tag: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]
    ) throws -> [UInt8] {
        guard key.count == 32 else { throw CryptoError.invalidKey("AES-256-GCM needs a 32-byte key") }
        guard nonce.count == nonceLength, tag.count == tagLength else { throw CryptoError.authenticationFailed }
        guard let context = EVP_CIPHER_CTX_new() else { throw CryptoError.library("EVP_CIPHER_CTX_new failed") }
        defer { EVP_CIPHER_CTX_free(context) }
        var length: Int32 = 0
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var expectedTag = tag
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1,
            associatedData.isEmpty || EVP_DecryptUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1,
            EVP_DecryptUpdate(context, &plaintext, &length, ciphertext, Int32(ciphertext.count)) == 1,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), &expectedTag) == 1
        else { throw CryptoError.authenticationFailed }
        let written = Int(length)
        let finalStatus = plaintext.withUnsafeMutableBufferPointer {
            EVP_DecryptFinal_ex(context, $0.baseAddress! + written, &length)
        }
        guard finalStatus == 1 else { throw CryptoError.authenticationFailed }
        return Array(plaintext[..<(written + Int(length))])
    }
}
