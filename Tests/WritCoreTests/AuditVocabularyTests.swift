import Foundation
import Testing
import WritCore

@Suite("Audit vocabulary: the typed event types, party kinds and decisions keep the stored strings")
struct AuditVocabularyTests {
    @Test("every event type's raw value is the string the chain has always stored")
    func eventTypes() {
        let stored: Set<String> = [
            "intent.submitted", "intent.approval_recorded", "intent.rejection_recorded", "intent.approved", "intent.rejected",
            "intent.cancelled", "intent.executed", "intent.failed", "intent.expired",
            "warrant.issued", "warrant.redeemed", "warrant.revoked", "policy.changed",
            "member.added", "member.invited", "member.joined", "member.updated", "member.removed", "member.password_changed",
            "member.totp_enrolment_started", "member.totp_enabled", "member.totp_disabled", "member.recovery_code_used",
            "api_key.created", "api_key.revoked", "team.created", "team.updated", "team.deleted",
            "agent.created", "agent.updated", "agent.disabled", "agent.enabled", "tenant.created", "signing_key.created",
            "session.created", "session.ended", "webhook.created", "webhook.updated", "webhook.deleted", "webhook.secret_rotated",
            "webhook.redelivery_requested", "webhook.disabled", "audit.checkpoint", "audit.purged", "bench.filler", "bench.append",
        ]
        #expect(Set(AuditEventType.allCases.map(\.rawValue)) == stored)
        #expect(AuditEventType.allCases.count == stored.count)
    }

    @Test("actor and subject kinds and decisions keep their stored strings")
    func kinds() {
        #expect(AuditActorKind.allCases.map(\.rawValue) == ["user", "api_key", "agent", "system", "writer"])
        #expect(
            AuditSubjectKind.allCases.map(\.rawValue) == [
                "intent", "warrant", "policy", "user", "api_key", "team", "agent", "tenant", "signing_key", "session", "webhook",
                "audit_checkpoint",
            ])
        #expect(ApprovalDecision.allCases.map(\.rawValue) == ["approve", "reject"])
        #expect(ApprovalDecision(of: ["decision": "approve"]) == .approve)
        #expect(ApprovalDecision(of: ["decision": "maybe"]) == nil)
        #expect(ApprovalDecision(of: [:]) == nil)
    }

    @Test("an event is laid out with its type and kinds as plain strings (docs/audit-format.md)")
    func layout() {
        let event = AuditEvent(
            type: .teamCreated, actor: .init(kind: .user, id: "u1"), subject: .init(kind: .team, id: "t1"),
            data: ["name": "platform"])
        let time = Date(timeIntervalSince1970: 1_795_800_000)
        let link = AuditChain.link(event, tenant: "tn", seq: 7, time: time, previousHash: AuditChain.genesisHash)
        let expected =
            #"{"actor":{"id":"u1","kind":"user"},"data":{"name":"platform"},"prev":""# + AuditChain.genesisHash
            + #"","seq":7,"subject":{"id":"t1","kind":"team"},"tenant":"tn","time":""# + Timestamp.format(time)
            + #"","type":"team.created"}"#
        #expect(String(decoding: link.body, as: UTF8.self) == expected)
        let system = AuditChain.link(
            AuditEvent(type: .auditPurged, actor: .system), tenant: "tn", seq: 8, time: time, previousHash: link.hash)
        #expect(String(decoding: system.body, as: UTF8.self).contains(#""actor":{"id":null,"kind":"system"}"#))
        #expect(String(decoding: system.body, as: UTF8.self).contains(#""subject":null"#))
    }

    @Test("only these event types stand for webhook events; every other maps to none")
    func webhookDerivation() {
        let mapped: [AuditEventType: [WebhookEventType]] = [
            .intentSubmitted: [.intentSubmitted], .intentApproved: [.intentApproved], .intentRejected: [.intentRejected],
            .intentExpired: [.intentExpired], .intentCancelled: [.intentCancelled], .intentExecuted: [.intentResult],
            .intentFailed: [.intentResult], .warrantRedeemed: [.warrantRedeemed], .warrantRevoked: [.warrantRevoked],
            .policyChanged: [.policyChanged], .memberInvited: [.memberChanged], .memberJoined: [.memberChanged],
            .memberAdded: [.memberChanged], .memberUpdated: [.memberChanged], .memberRemoved: [.memberChanged],
            .apiKeyRevoked: [.keyRevoked],
        ]
        for type in AuditEventType.allCases {
            #expect(WebhookEventType.derived(fromAudit: type, data: [:]) == mapped[type] ?? [], "\(type.rawValue)")
        }
    }
}
