import Testing
import WritCore

@Suite("Policy language", .timeLimit(.minutes(3)))
struct PolicyTests {
    static let contractExample = #"""
        {
          "defaults": {"tier": "T1", "warrant_ttl": "5m", "approval_timeout": "24h"},
          "rules": [
            {"id": "reads", "match": {"action": "*.read"}, "tier": "T0"},
            {"id": "scale-big", "match": {"action": "k8s.scale", "resource": "prod/*"},
             "when": [{"path": "params.replicas", "op": ">", "value": 50}], "tier": "T3"},
            {"id": "payments", "match": {"action": "payments.*"},
             "when": [{"path": "params.amount", "op": ">=", "value": 10000}],
             "tier": "T2", "approvals": {"count": 2, "roles": ["finance"]}},
            {"id": "burst", "match": {"action": "*"},
             "rate": {"max": 100, "per": "1h", "scope": "agent"}, "tier": "T1"},
            {"id": "never-drop-prod", "match": {"action": "db.drop", "resource": "prod/*"}, "effect": "deny"}
          ],
          "board": {"quorum": 3, "veto": true, "timeout": "72h"}
        }
        """#

    static func compile(_ text: String) throws -> CompiledPolicy {
        CompiledPolicy(try PolicyParser.parse(try JSONParser.parse(text)).get())
    }

    @Test("the contract's example refuses the unknown role 'finance' and names where")
    func contractExampleRole() throws {
        guard case .failure(let invalid) = PolicyParser.parse(try JSONParser.parse(Self.contractExample)) else {
            Issue.record("an unknown role was accepted")
            return
        }
        #expect(invalid.issues.map(\.path) == ["/rules/2/approvals/roles/0"])
    }

    @Test("classifies intents: strictest wins, deny beats everything, no match gives the default")
    func classification() throws {
        let policy = try Self.compile(
            Self.contractExample.replacingOccurrences(of: #""roles": ["finance"]"#, with: #""roles": ["approver"]"#))
        func tier(_ action: String, _ resource: String, _ params: JSONValue = [:], rate: Int = 0) -> (Decision.Outcome, Tier?, [String]) {
            let decision = policy.evaluate(
                PolicyInput(action: action, resource: resource, params: params, teamID: "team"),
                rateCounts: [CompiledPolicy.RateQuery(scope: .agent, seconds: 3600): rate])
            return (decision.outcome, decision.tier, decision.rules.map(\.id))
        }
        #expect(tier("s3.read", "bucket/x") == (.allow, .t0, ["reads"]))
        #expect(tier("k8s.scale", "prod/web", ["replicas": 80]) == (.allow, .t3, ["scale-big"]))
        #expect(tier("k8s.scale", "prod/web", ["replicas": 10]) == (.allow, .t1, ["default"]))
        #expect(tier("k8s.scale", "staging/web", ["replicas": 80]) == (.allow, .t1, ["default"]))
        #expect(tier("payments.send", "acct/1", ["amount": 10000]) == (.allow, .t2, ["payments"]))
        #expect(tier("payments.send", "acct/1", ["amount": 9999.99]) == (.allow, .t1, ["default"]))
        #expect(tier("db.drop", "prod/users") == (.deny, nil, ["never-drop-prod"]))
        // `*` stays within one segment: "burst" covers single-segment actions only.
        #expect(tier("deploy", "svc/x", rate: 150) == (.allow, .t1, ["burst"]))
        #expect(tier("deploy", "svc/x", rate: 99) == (.allow, .t1, ["default"]))
        #expect(tier("s3.read", "bucket/x", rate: 150) == (.allow, .t0, ["reads"]))
        let decision = policy.evaluate(PolicyInput(action: "payments.send", resource: "acct/1", params: ["amount": 20000], teamID: "t"))
        #expect(decision.approvals?.count == 2)
        #expect(decision.approvals?.mfa == true)
        #expect(decision.warrantTTL == 300)
        #expect(decision.rules[0].reason.contains("params.amount (20000) >= 10000"))
        let board = policy.evaluate(PolicyInput(action: "k8s.scale", resource: "prod/web", params: ["replicas": 51], teamID: "t"))
        #expect(board.approvals?.count == 3)
        #expect(board.approvals?.veto == true)
        #expect(board.approvals?.timeout == 72 * 3600)
    }

    @Test("every error is reported with its JSON pointer, in one pass")
    func everyError() throws {
        let text = #"""
            {"defaults": {"tier": "T9", "warrant_ttl": "2h", "approval_timeout": "soon"},
             "rules": [
               {"id": "a", "match": {"action": "k8s.***"}, "tier": "T1"},
               {"id": "a", "match": {"action": "x"}, "tier": "T1"},
               {"id": "b", "match": {"action": "x", "colour": "red"}, "when": [{"path": "params.n", "op": "≈", "value": 1}], "tier": "T1"},
               {"id": "c", "when": [{"path": "params.n", "op": ">", "value": "ten"}, {"path": "secret.x", "op": "==", "value": 1}], "tier": "T1"},
               {"id": "d", "tier": "T1", "effect": "deny"},
               {"id": "e", "rate": {"max": 0, "per": "1y"}, "tier": "T2"},
               "not a rule"
             ],
             "board": {"quorum": 0, "veto": "yes"},
             "extra": 1}
            """#
        guard case .failure(let invalid) = PolicyParser.parse(try JSONParser.parse(text)) else {
            Issue.record("an invalid document was accepted")
            return
        }
        let paths = Set(invalid.issues.map(\.path))
        let expected: Set<String> = [
            "/defaults/tier", "/defaults/warrant_ttl", "/defaults/approval_timeout", "/rules/0/match/action", "/rules/1/id",
            "/rules/2/match/colour", "/rules/2/when/0/op", "/rules/3/when/0/value", "/rules/3/when/1/path", "/rules/4/effect",
            "/rules/5/rate/max", "/rules/5/rate/per", "/rules/6", "/board/quorum", "/board/veto", "/extra",
        ]
        #expect(paths == expected, "missing \(expected.subtracting(paths)), unexpected \(paths.subtracting(expected))")
    }

    @Test("globs: * stays within a segment, ** crosses them")
    func globs() throws {
        let single = try Glob.parse("k8s.*").get()
        #expect(single.matches("k8s.scale"))
        #expect(!single.matches("k8s.pods.delete"))
        let deep = try Glob.parse("k8s.**").get()
        #expect(deep.matches("k8s.pods.delete"))
        let path = try Glob.parse("prod/*").get()
        #expect(path.matches("prod/web"))
        #expect(!path.matches("prod/web/api"))
        #expect(try Glob.parse("**.read").get().matches("a.b.read"))
        #expect((try? Glob.parse("a b").get()) == nil)
        #expect((try? Glob.parse("").get()) == nil)
    }

    @Test("the starter policy is valid and classifies as documented")
    func starterPolicy() throws {
        let policy = CompiledPolicy(try PolicyParser.parse(StarterPolicy.document).get())
        func tier(_ action: String, _ resource: String = "any", _ params: JSONValue = [:]) -> Tier? {
            policy.evaluate(PolicyInput(action: action, resource: resource, params: params, teamID: "t")).tier
        }
        #expect(tier("s3.objects.read") == .t0)
        #expect(tier("k8s.pods.list") == .t0)
        #expect(tier("crm.contact.update") == .t1)
        #expect(tier("s3.objects.delete") == .t2)
        #expect(tier("payments.transfer", "acct", ["amount": 25000]) == .t2)
        #expect(tier("payments.transfer", "acct", ["amount": 25]) == .t1)
        #expect(tier("k8s.deployment.scale", "prod/web") == .t3)
        #expect(tier("db.drop", "staging/db") == .t3)
    }

    @Test("a team policy extends the tenant default")
    func teamExtendsTenant() throws {
        let tenant: JSONValue = [
            "defaults": ["tier": "T1", "warrant_ttl": "5m"], "rules": [["id": "reads", "match": ["action": "**.read"], "tier": "T0"]],
        ]
        let team: JSONValue = ["defaults": ["tier": "T2"], "rules": [["id": "reads", "match": ["action": "**.read"], "tier": "T1"]]]
        let merged = try PolicyParser.parse(PolicyDocument.effectiveSource(tenant: tenant, team: team)).get()
        #expect(merged.defaults.tier == .t2)
        #expect(merged.defaults.warrantTTL == 300)
        #expect(merged.rules.count == 1)
        #expect(merged.rules[0].effect == .tier(.t1))
    }
}
