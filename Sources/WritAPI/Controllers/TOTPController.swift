import Foundation
import Hummingbird
import WritCore
import WritCrypto
import WritStore

/// TOTP enrolment for the signed-in person: enrol, confirm, disable.
struct TOTPController {
    let identity: IdentityStore
    let throttle: AuthThrottle

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/me/totp", use: enrol)
        router.post("/v1/me/totp/confirm", use: confirm)
        router.delete("/v1/me/totp", use: disable)
    }

    @Sendable func enrol(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(for: request)
        let totp = try await identity.beginTOTPEnrolment(user)
        let uri = totp.provisioningURI(issuer: "Writ", account: user.email)
        var response = JSONBody.response(
            [
                "secret": .string(Base32.encode(totp.secret)), "otpauth_uri": .string(uri),
                "qr_svg": .string(try QRCode(encoding: Array(uri.utf8)).svg()),
            ], status: .created)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(for: request)
        var body = try await JSONRequest.read(request, context: context)
        let code = body.string("code", maxLength: 32)
        let valid = try body.finish()
        let codes = try await SecondFactor.throttled(user: user.userID, throttle: throttle) {
            guard let codes = try await identity.confirmTOTP(user, code: valid[code]) else {
                throw Problem.invalid(
                    "The code does not match the authenticator.", errors: [.init(path: "/code", message: "is wrong or expired")])
            }
            return codes
        }
        var response = JSONBody.response(["recovery_codes": .array(codes.map(JSONValue.string))])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func disable(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(for: request)
        var body = try await JSONRequest.read(request, context: context)
        let code = body.string("code", maxLength: 32)
        let valid = try body.finish()
        try await SecondFactor.verify(valid[code], tenant: user.tenantID, user: user.userID, identity: identity, throttle: throttle)
        try await identity.disableTOTP(user)
        return Response(status: .noContent)
    }
}
