import Foundation
import Testing
import WritCrypto
import WritTestSupport

@Suite("TOTP enrolment and sign-in", .timeLimit(.minutes(3)))
struct TOTPFlowTests {
    @Test("enrol, confirm, then sign-in needs a fresh code or a recovery code, each accepted once")
    func totpFlow() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let email = "mfa-\(UUID().uuidString.prefix(6))@example.com"
            let admin = try await api.signup(email: email).credential
            let enrol = try await api.call(.post, "/v1/me/totp", as: admin)
            #expect(enrol.status == .created)
            let enrolment = try enrol.decoded(TOTPEnrolmentBody.self)
            #expect(enrolment.qrSVG.hasPrefix("<svg"))
            #expect(enrolment.otpauthURI.hasPrefix("otpauth://totp/Writ:"))
            let totp = TOTP(secret: try #require(Base32.decode(enrolment.secret)))
            let wrong = try await api.call(.post, "/v1/me/totp/confirm", as: admin, json: #"{"code":"000000"}"#)
            #expect(wrong.status == .unprocessableContent || totp.code(forStep: TOTP.step(at: Date())) == "000000")
            let step = TOTP.step(at: Date())
            let confirm = try await api.call(.post, "/v1/me/totp/confirm", as: admin, json: #"{"code":"\#(totp.code(forStep: step))"}"#)
            #expect(confirm.status == .ok)
            let codes = try confirm.decoded(RecoveryCodesBody.self).recoveryCodes
            #expect(codes.count == 10)
            #expect(Set(codes).count == 10)

            let password = #""email":"\#(email)","password":"correct horse battery""#
            let missing = try await api.call(.post, "/v1/sessions", json: "{\(password)}")
            #expect(missing.status == .unauthorized)
            #expect(try missing.decoded(ProblemBody.self).type.hasSuffix("totp-required"))
            let replay = try await api.call(.post, "/v1/sessions", json: #"{\#(password),"totp":"\#(totp.code(forStep: step))"}"#)
            #expect(replay.status == .unauthorized)
            let next = try await api.call(.post, "/v1/sessions", json: #"{\#(password),"totp":"\#(totp.code(forStep: step + 1))"}"#)
            #expect(next.status == .created)
            let recovery = try await api.call(.post, "/v1/sessions", json: #"{\#(password),"totp":"\#(codes[0])"}"#)
            #expect(recovery.status == .created)
            let reused = try await api.call(.post, "/v1/sessions", json: #"{\#(password),"totp":"\#(codes[0])"}"#)
            #expect(reused.status == .unauthorized)

            let session = try Credential.session(from: next)
            #expect(try await api.call(.post, "/v1/me/totp", as: session).status == .conflict)
            #expect(try await api.call(.delete, "/v1/me/totp", as: session, json: #"{"code":"\#(codes[1])"}"#).status == .noContent)
            #expect(try await api.call(.post, "/v1/sessions", json: "{\(password)}").status == .created)
        }
    }

    @Test("repeated wrong codes throttle")
    func throttle() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup().credential
            _ = try await api.call(.post, "/v1/me/totp", as: admin)
            var last = 0
            for _ in 0..<7 {
                last = try await api.call(.post, "/v1/me/totp/confirm", as: admin, json: #"{"code":"999999"}"#).status.code
            }
            #expect(last == 429)
        }
    }
}
