import Foundation
import WritStore

/// Throttling around second-factor checks: an attempt is reserved before the code is looked at,
/// so concurrent guesses meet the count one at a time.
enum SecondFactor {
    /// Runs `check` (which verifies the code and throws ``StoreError/unauthorized(_:)`` when it is
    /// wrong) under the person's throttle; a refused or throttled code counts as a failure.
    static func throttled<Result>(
        user: UUID, throttle: AuthThrottle, _ check: () async throws -> Result
    ) async throws -> Result {
        let subjects = [(ThrottleRule.secondFactor, user.uuidString.lowercased())]
        if let wait = try await throttle.reserve(subjects) {
            throw Problem(
                status: .tooManyRequests, type: "totp-throttled", title: "Too many wrong codes",
                detail: "Too many wrong TOTP codes; try again later.", retryAfter: wait)
        }
        do {
            let result = try await check()
            try await throttle.succeeded(subjects)
            return result
        } catch let error as StoreError where error.kind == .unauthorized {
            try await throttle.failed(subjects)
            throw Problem(status: .unauthorized, type: "totp-invalid", title: "Invalid TOTP code", detail: error.message)
        } catch let problem as Problem where problem.status == 422 {
            try await throttle.failed(subjects)
            throw problem
        }
    }

    /// Checks a TOTP or recovery code on its own (sign-in, disabling TOTP), throttled.
    static func verify(_ code: String, tenant: UUID, user: UUID, identity: IdentityStore, throttle: AuthThrottle) async throws {
        try await throttled(user: user, throttle: throttle) {
            guard try await identity.verifySecondFactor(tenant: tenant, user: user, code: code) == .accepted else {
                throw StoreError.unauthorized("The code is wrong, expired or was already used.")
            }
        }
    }
}
