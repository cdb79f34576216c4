import Foundation
import Testing
import WritCore

@Suite("Webhooks: Standard Webhooks signatures, retries, destinations and payloads", .timeLimit(.minutes(1)))
struct WebhookTests {
    @Test("the signature matches the Standard Webhooks specification's example")
    func specificationVector() throws {
        let secret = try #require(WebhookSecret(text: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let signature = StandardWebhookSignature.sign(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, payload: Array(#"{"test": 2432232314}"#.utf8), secret: secret)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test("while secrets overlap both sign, the newest first; a generated secret round-trips its text")
    func overlapAndSecrets() throws {
        let (new, old) = (WebhookSecret.generate(), WebhookSecret.generate())
        #expect(new != old)
        #expect(WebhookSecret(text: new.text) == new)
        #expect(new.text.hasPrefix("whsec_"))
        let header = StandardWebhookSignature.header(id: "msg_1", timestamp: 1, payload: [1, 2], secrets: [new, old])
        #expect(
            header.split(separator: " ").map(String.init)
                == [
                    StandardWebhookSignature.sign(id: "msg_1", timestamp: 1, payload: [1, 2], secret: new),
                    StandardWebhookSignature.sign(id: "msg_1", timestamp: 1, payload: [1, 2], secret: old),
                ])
        #expect(WebhookSecret(text: "whsec_c2hvcnQ=") == nil)
        #expect(WebhookSecret(text: "nope") == nil)
    }

    @Test("retries follow the schedule within ±10 %, the first within 10 s, for at least 24 hours, then stop")
    func retrySchedule() {
        let schedule = WebhookRetrySchedule.standard
        #expect(schedule.delay(after: 1, jitter: 1)! <= 10)
        #expect(schedule.delay(after: 1, jitter: -1)! >= 4)
        let shortest = (1...schedule.delays.count).map { schedule.delay(after: $0, jitter: -1)! }.reduce(0, +)
        #expect(shortest >= 24 * 3600)
        #expect(schedule.delay(after: schedule.maxAttempts, jitter: 0) == nil)
        #expect(WebhookRetrySchedule(text: "1, 2,3")?.delays == [1, 2, 3])
        #expect(WebhookRetrySchedule(text: "1,-2") == nil)
        #expect(WebhookRetrySchedule(text: "") == nil)
    }

    @Test("private, loopback and link-local destinations are refused; link-local stays refused when private ones are allowed")
    func destinations() {
        func refusal(_ bytes: [UInt8], allowPrivate: Bool = false) -> WebhookDestination.Refusal? {
            WebhookDestination.refusal(address: bytes, allowPrivate: allowPrivate)
        }
        #expect(refusal([93, 184, 216, 34]) == nil)
        for address: [UInt8] in [
            [127, 0, 0, 1], [10, 1, 2, 3], [172, 16, 0, 1], [172, 31, 255, 255], [192, 168, 1, 1], [100, 64, 0, 1],
        ] {
            #expect(refusal(address) == .privateNetwork, "\(address)")
            #expect(refusal(address, allowPrivate: true) == nil, "\(address)")
        }
        #expect(refusal([172, 32, 0, 1]) == nil)
        #expect(refusal([169, 254, 169, 254], allowPrivate: true) == .linkLocal)
        #expect(refusal([0, 0, 0, 0], allowPrivate: true) == .notUnicast)
        #expect(refusal([224, 0, 0, 1], allowPrivate: true) == .notUnicast)
        let loopback6 = [UInt8](repeating: 0, count: 15) + [1]
        #expect(refusal(loopback6) == .privateNetwork)
        let mapped = [UInt8](repeating: 0, count: 10) + [0xff, 0xff, 169, 254, 169, 254]
        #expect(refusal(mapped, allowPrivate: true) == .linkLocal)
        #expect(refusal([0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1], allowPrivate: true) == .linkLocal)
        #expect(refusal([0xfd, 0, 0x0e, 0xc2] + [UInt8](repeating: 0, count: 10) + [0x02, 0x54], allowPrivate: true) == .linkLocal)
        #expect(refusal([0xfd, 0x12] + [UInt8](repeating: 0, count: 14)) == .privateNetwork)
        #expect(refusal([0x26, 0x06, 0x47, 0x00] + [UInt8](repeating: 0, count: 12)) == nil)
        #expect(refusal([1, 2, 3]) == .notUnicast)
    }

    @Test("audit events map to the webhook events they stand for")
    func derivation() {
        func derived(_ type: AuditEventType, status: String? = nil) -> [WebhookEventType] {
            WebhookEventType.derived(fromAudit: type, data: status.map { ["status": .string($0)] } ?? [:])
        }
        #expect(derived(.intentSubmitted, status: "approved") == [.intentSubmitted])
        #expect(derived(.intentSubmitted, status: "pending_approval") == [.intentSubmitted, .approvalRequested])
        #expect(derived(.intentSubmitted, status: "denied") == [.intentSubmitted, .intentDenied])
        #expect(derived(.intentExecuted) == [.intentResult])
        #expect(derived(.memberInvited) == [.memberChanged])
        #expect(derived(.apiKeyRevoked) == [.keyRevoked])
        #expect(derived(.sessionCreated).isEmpty)
    }

    @Test("the payload carries the event, its chain position and the intent; Slack gets readable text and no button")
    func payloads() throws {
        let tenant = UUID()
        let event: JSONValue = [
            "type": "intent.submitted", "seq": 7, "tenant": .string(tenant.uuidString.lowercased()), "time": "2026-12-02T08:00:00.000000Z",
            "actor": ["kind": "agent", "id": "a1"], "subject": ["kind": "intent", "id": "i1"],
            "data": ["status": "pending_approval", "tier": "T2"],
        ]
        let intent: JSONValue = [
            "id": "i1", "action": "payments.transfer", "resource": "acct/<1>", "tier": "T2", "rules": ["large-payments"],
            "justification": nil, "agent": ["id": "a1", "name": "payer"],
        ]
        let payload = try JSONParser.parse(WebhookPayload.standard(type: .approvalRequested, event: event, intent: intent))
        #expect(payload["type"] == "approval.requested")
        #expect(payload["timestamp"] == "2026-12-02T08:00:00.000000Z")
        #expect(payload["data"]?["audit_seq"] == 7)
        #expect(payload["data"]?["intent"]?["action"] == "payments.transfer")
        let slack = try JSONParser.parse(
            WebhookPayload.slack(type: .approvalRequested, event: event, intent: intent, consoleURL: "https://w.example"))
        let text = try #require(slack["text"]?.stringValue)
        #expect(text.contains("*payer* asks for approval to `payments.transfer` on `acct/&lt;1&gt;`"))
        #expect(text.contains("tier T2"))
        #expect(text.contains("large-payments"))
        #expect(text.contains("<https://w.example/#/intents/i1|Open in Writ>"))
        #expect(slack.objectValue?.keys.sorted() == ["text"])
        #expect(
            WebhookPayload.messageID(tenant: tenant, seq: 7, type: .approvalRequested)
                == "msg_" + tenant.uuidString.lowercased().replacingOccurrences(of: "-", with: "") + "_7_approval_requested")
    }
}
