import Foundation
import HTTPTypes
import Postgres
import Testing
import WritAPI
import WritCore
import WritCrypto
import WritStore
import WritTestSupport

@Suite("Tenant isolation over HTTP", .timeLimit(.minutes(3)))
struct IsolationTests {
    @Test("every route with an id answers 404 to another tenant's ids and changes nothing")
    func crossTenantIDs() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let configuration = TestApp.configuration(for: database)
        let app = try await WritApplication.build(configuration: configuration)
        let routes = try await routeList(for: database)
        try await app.test(.live) { client in
            let api = APIClient(client: client)
            let a = try await api.signup().credential
            let b = try await api.signup()
            let bSetup = try await api.agentWithKey(as: b.credential)
            let bInvite = try await api.call(
                .post, "/v1/members", as: b.credential,
                json: #"{"email":"b-op-\#(UUID().uuidString.prefix(6))@example.com","roles":["operator"]}"#)
            let bWebhook = try await api.call(
                .post, "/v1/webhooks", as: b.credential,
                json: #"{"url":"https://b.example/hook","events":["intent.submitted"]}"#)
            var bIDs: [String: String] = [
                "/v1/members/{id}": try bInvite.decoded(MemberBody.self).id, "/v1/teams/{id}": bSetup.team,
                "/v1/agents/{id}": bSetup.agent, "/v1/api-keys/{id}": bSetup.keyID,
                "/v1/webhooks/{id}": try bWebhook.decoded(WebhookEndpointBody.self).id,
            ]
            let bodies: [String: String] = [
                "/v1/members/{id}": #"{"roles":["admin"]}"#, "/v1/teams/{id}": #"{"name":"stolen"}"#,
                "/v1/agents/{id}": #"{"disabled":true}"#, "/v1/webhooks/{id}": #"{"disabled":true}"#,
            ]
            // A warrant of B's, for the routes that take a jti.
            let bIntent = try await api.call(
                .post, "/v1/intents", as: .key(bSetup.key), json: #"{"action":"s3.objects.read","resource":"b/1"}"#)
            let bWarrant = try #require(try bIntent.decoded(IntentBody.self).warrant)
            let bJTI = (try? JSONParser.parse(JWS.Parts(compact: bWarrant)?.payload ?? []))?["jti"]?.stringValue ?? ""
            let aExecutor =
                try await api.call(
                    .post, "/v1/api-keys", as: a,
                    json: #"{"name":"exec","scopes":["warrants"],"audiences":["k8s","crm","payments","db","s3"]}"#
                ).decoded(CreatedKeyBody.self).key
            for (path, method) in routes where path.contains("{jti}") {
                let caller = path.hasSuffix("redeem") ? Credential.key(aExecutor) : a
                let response = try await api.call(
                    .init(method.uppercased())!, path.replacingOccurrences(of: "{jti}", with: bJTI), as: caller)
                #expect(response.status == .notFound, "\(method) \(path) with another tenant's warrant answered \(response.status)")
            }
            let verified = try await api.call(
                .post, "/v1/warrants/verify", json: #"{"warrant":"\#(bWarrant)","tenant_id":"\#(bSetup.team)"}"#)
            #expect(try verified.decoded(WarrantVerificationBody.self).valid == false)
            bIDs["/v1/intents/{id}"] = try bIntent.decoded(IntentBody.self).id
            bIDs["/api/v1/intents/{id}"] = bIDs["/v1/intents/{id}"]
            bIDs["/api/v1/proposals/{id}"] = bIDs["/v1/intents/{id}"]
            bIDs["/api/v1/agents/{id}"] = bSetup.agent
            let aAgentKey = Credential.key(try await api.agentWithKey(as: a).key)
            let postBodies = [
                "/v1/intents/{id}/decisions": #"{"decision":"approve"}"#, "/v1/intents/{id}/result": #"{"status":"executed"}"#,
                "/api/v1/proposals/{id}/approve": "{}", "/api/v1/proposals/{id}/deny": "{}", "/api/v1/agents/{id}/heartbeat": "{}",
            ]
            for (path, method) in routes where path.contains("{id}") {
                // Routes below a resource take that resource's id.
                let owner = String(path[..<path.range(of: "{id}")!.upperBound])
                let id = try #require(bIDs[owner], "\(method) \(path) is not covered by the isolation sweep")
                let body = method == "patch" ? bodies[path] : method == "put" ? #"{"rules":[]}"# : postBodies[path]
                let caller = path.hasSuffix("/cancel") || path.hasSuffix("/result") || path.hasSuffix("/heartbeat") ? aAgentKey : a
                let response = try await api.call(
                    .init(method.uppercased())!,
                    path.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(of: "{version}", with: "1")
                        .replacingOccurrences(of: "{delivery_id}", with: UUID().uuidString.lowercased()), as: caller,
                    json: body)
                // A heartbeat names its own agent: any other agent is refused (403) before anything is looked up.
                let expected: HTTPResponse.Status = path.hasSuffix("/heartbeat") ? .forbidden : .notFound
                #expect(response.status == expected, "\(method) \(path) with another tenant's id answered \(response.status)")
                #expect(!response.body.contains(id), "\(method) \(path) echoed another tenant's id")
            }
            // References to another tenant's rows are refused as unknown.
            let aTeam = try await api.call(.post, "/v1/teams", as: a, json: #"{"name":"mine"}"#).decoded(TeamBody.self).id
            #expect(
                try await api.call(.post, "/v1/agents", as: a, json: #"{"name":"x","team_id":"\#(bSetup.team)"}"#).status
                    == .unprocessableContent)
            #expect(
                try await api.call(.post, "/v1/api-keys", as: a, json: #"{"name":"x","scopes":["intents"],"agent_id":"\#(bSetup.agent)"}"#)
                    .status == .unprocessableContent)
            #expect(
                try await api.call(.post, "/v1/agents", as: a, json: #"{"name":"x","team_id":"\#(aTeam)","owner_id":"\#(b.user)"}"#).status
                    == .unprocessableContent)
            // Lists show only the caller's tenant; B is untouched.
            for path in ["/v1/members", "/v1/teams", "/v1/agents", "/v1/api-keys", "/v1/webhooks"] {
                let listed = try await api.call(.get, path, as: a)
                for id in bIDs.values { #expect(!listed.body.contains(id), "\(path) leaked another tenant's row") }
            }
            #expect(try await api.call(.get, "/v1/me", as: .key(bSetup.key)).status == .ok)
            #expect(try await api.call(.get, "/v1/teams/\(bSetup.team)", as: b.credential).decoded(TeamBody.self).name != "stolen")
            let bHook = try await api.call(.get, "/v1/webhooks/\(bIDs["/v1/webhooks/{id}"]!)", as: b.credential)
            #expect(try bHook.status == .ok && bHook.decoded(JSONValue.self)["disabled_at"] == .null)
        }
    }

    @Test("two tenants' requests interleaved over two connections never see each other's rows")
    func pooledInterleaving() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        var configuration = TestApp.configuration(for: database)
        configuration.databasePoolSize = 2
        let app = try await WritApplication.build(configuration: configuration)
        try await app.test(.live) { client in
            let api = APIClient(client: client)
            let first = try await api.signup().credential
            let second = try await api.signup().credential
            for index in 0..<3 {
                _ = try await api.call(.post, "/v1/teams", as: first, json: #"{"name":"first-\#(index)"}"#)
                _ = try await api.call(.post, "/v1/teams", as: second, json: #"{"name":"second-\#(index)"}"#)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<80 {
                    group.addTask {
                        let (credential, mine, theirs) = index % 2 == 0 ? (first, "first-", "second-") : (second, "second-", "first-")
                        let response = try await api.call(.get, "/v1/teams", as: credential)
                        #expect(response.status == .ok)
                        #expect(response.body.components(separatedBy: mine).count == 4)
                        #expect(!response.body.contains(theirs))
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("a key revoked on one node stops working on another within a second")
    func crossNodeRevocation() async throws {
        // Nodes share the database and the master key (which the key hashes are peppered with).
        try await TestApp.withTwoNodes { a, b in
            let admin = try await a.signup().credential
            let setup = try await a.agentWithKey(as: admin)
            let first = try await b.call(.get, "/v1/me", as: .key(setup.key))
            #expect(first.status == .ok, "\(first.status) \(first.body)")
            #expect(try await a.call(.delete, "/v1/api-keys/\(setup.keyID)", as: admin).status == .noContent)
            let revokedAt = ContinuousClock.now
            let refused = try await eventually(timeout: .seconds(1), every: .milliseconds(20)) {
                try await b.call(.get, "/v1/me", as: .key(setup.key)).status == .unauthorized
            }
            #expect(refused, "refused on the other node \(ContinuousClock.now - revokedAt) after the revocation")
        }
    }

    private func routeList(for database: TestDatabaseInfo) async throws -> [(String, String)] {
        let configuration = TestApp.configuration(for: database)
        let pool = ConnectionPool(configuration: database.appConfiguration())
        defer { Task { await pool.close() } }
        let router = WritApplication.makeRouter(
            configuration: configuration,
            services: AppServices(
                configuration: configuration, keys: KeyRing(masterKey: configuration.masterKey), database: Database(pool: pool),
                migrations: try Migration.load(from: TestCluster.migrationsDirectory)))
        return router.routes.map {
            ("/" + "\($0.path)".trimmingCharacters(in: CharacterSet(charactersIn: "/")), $0.method.rawValue.lowercased())
        }
    }
}
