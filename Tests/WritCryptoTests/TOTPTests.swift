import Foundation
import Testing
import WritCrypto

@Suite("TOTP", .timeLimit(.minutes(3)))
struct TOTPTests {
    private let rfcSecret = Array("12345678901234567890".utf8)

    @Test(
        "codes match RFC 6238 Appendix B (SHA-1, last six digits)",
        arguments: [
            (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
            (2_000_000_000, "279037"), (20_000_000_000, "353130"),
        ] as [(Int64, String)])
    func rfcVectors(time: Int64, code: String) {
        let totp = TOTP(secret: rfcSecret)
        #expect(totp.code(forStep: TOTP.step(at: Date(timeIntervalSince1970: Double(time)))) == code)
    }

    @Test("one step of drift either way is accepted, two are not, and junk never is")
    func window() {
        let totp = TOTP(secret: rfcSecret)
        let now = Date(timeIntervalSince1970: 1_234_567_890)
        let step = TOTP.step(at: now)
        #expect(totp.matchingStep(for: totp.code(forStep: step), at: now) == step)
        #expect(totp.matchingStep(for: totp.code(forStep: step - 1), at: now) == step - 1)
        #expect(totp.matchingStep(for: totp.code(forStep: step + 1), at: now) == step + 1)
        #expect(totp.matchingStep(for: totp.code(forStep: step + 2), at: now) == nil)
        #expect(totp.matchingStep(for: "12345", at: now) == nil)
        #expect(totp.matchingStep(for: "abcdef", at: now) == nil)
    }

    @Test("base32 round-trips and the provisioning URI carries the secret")
    func provisioning() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("mzxw6ytboi======") == Array("foobar".utf8))
        #expect(Base32.decode("1nvalid") == nil)
        let totp = TOTP.generate()
        #expect(totp.secret.count == 20)
        let uri = totp.provisioningURI(issuer: "Writ", account: "ada@example.com")
        #expect(uri.hasPrefix("otpauth://totp/Writ:ada@example.com?secret=\(Base32.encode(totp.secret))"))
        #expect(uri.contains("issuer=Writ"))
    }
}
