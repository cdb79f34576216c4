import Foundation
import WritStore

/// Checks a TOTP or recovery code with throttling after repeated failures.
enum SecondFactor {
    static func verify(_ code: String, tenant: UUID, user: UUID, identity: IdentityStore, throttle: AuthThrottle) async throws {
        let subject = "totp:\(user.uuidString)"
        if let wait = try await throttle.retryAfter(subject) {
            throw Problem(status: .tooManyRequests, type: "totp-throttled", title: "Too many wrong codes",
                          detail: "Too many wrong TOTP codes; try again later.", retryAfter: wait)
        }
        guard try await identity.verifySecondFactor(tenant: tenant, user: user, code: code) == .accepted else {
            try await throttle.recordFailure(subject)
            throw Problem(status: .unauthorized, type: "totp-invalid", title: "Invalid TOTP code",
                          detail: "The code is wrong, expired or was already used.")
        }
        try await throttle.reset(subject)
    }
}
