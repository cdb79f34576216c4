import Foundation
import Hummingbird
import WritCore
import WritCrypto

/// Reading policy documents and hypothetical intents from requests.
enum PolicyInputs {
    /// A policy document body: bounded, strict JSON, valid by the policy language, or a 422 listing every error.
    static func document(_ request: Request, context: some RequestContext) async throws -> JSONValue {
        let value = try await JSONRequest.body(request)
        try validate(value, at: "")
        return value
    }

    /// Throws a 422 listing every error when `value` is not a valid policy document.
    static func validate(_ value: JSONValue, at prefix: String) throws {
        if case .failure(let invalid) = PolicyParser.parse(value) {
            throw Problem.invalid(
                "The policy has \(invalid.issues.count) error\(invalid.issues.count == 1 ? "" : "s"); nothing was saved.",
                errors: invalid.issues.map { .init(path: prefix + $0.path, message: $0.message) })
        }
    }

    /// Action and resource names: 1–256 characters of letters, digits and `._-/:@+=`.
    static func isSafeName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 256
            && text.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-/:@+=".unicodeScalars.contains($0))
            }
    }
}
