import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Testing
import WritAPI
import WritCore
import WritStore
import WritTestSupport

@Suite("Health, readiness, metrics, OpenAPI and the console", .timeLimit(.minutes(3)))
struct OperationsTests {
    @Test("healthz and readyz answer once start-up has migrated the database")
    func healthAndReadiness() async throws {
        try await TestApp.withLiveServer { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let health = try response.decoded(HealthBody.self)
                #expect(health.status == "ok")
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                let readiness = try response.decoded(HealthBody.self)
                #expect(readiness.status == "ready")
            }
        }
    }

    @Test("readyz is 503 with a problem naming the pending migrations when the schema is behind")
    func notReadyWhenMigrationsPending() async throws {
        let database = try await TestCluster.makeDatabase()
        // Apply only the first migration, so writ_app exists but the rest is pending.
        let admin = ConnectionPool(configuration: database.migrateConfiguration)
        let all = try Migration.load(from: TestCluster.migrationsDirectory)
        try await Migrator(pool: admin, migrations: Array(all.prefix(1))).migrate()
        await admin.close()
        let app = try await WritApplication.build(configuration: TestApp.configuration(for: database, migrate: false))
        try await app.test(.live) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.retryAfter] == "5")
                let detail = try response.decoded(ProblemBody.self).detail
                #expect(detail.contains(all[1].fileName))
            }
        }
    }

    @Test("metrics count requests by route and status and show the pool")
    func metrics() async throws {
        let token = "metrics-\(UUID().uuidString)"
        try await TestApp.withServer(configure: { $0.metricsToken = token }) { api, _ in
            let client = api.client
            for _ in 0..<3 { try await client.execute(uri: "/healthz", method: .get) { _ in } }
            try await client.execute(uri: "/no/such/route", method: .get) { _ in }
            // Not public: no token, a wrong token or an API-key-shaped token are refused.
            #expect(try await api.call(.get, "/metrics").status == .unauthorized)
            #expect(try await api.call(.get, "/metrics", headers: [.authorization: "Bearer wrong-token-0000000"]).status == .unauthorized)
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = response.text
                #expect(text.contains(#"writ_http_requests_total{method="GET",route="/healthz",status="200"} 3"#))
                #expect(text.contains(#"writ_http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
                #expect(text.contains("writ_http_request_duration_seconds_bucket"))
                #expect(text.contains("writ_db_pool_connections_in_use"))
                #expect(text.contains("writ_db_pool_waiting 0.0"))
            }
        }
    }

    @Test("unknown routes and wrong methods answer problem+json")
    func notFoundIsAProblem() async throws {
        try await TestApp.withLiveServer { client in
            try await client.execute(uri: "/v1/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try response.decoded(ProblemBody.self)
                #expect(problem.status == 404)
                #expect(problem.title == "Not Found")
                #expect(problem.type == "about:blank")
            }
            try await client.execute(uri: "/healthz", method: .delete) { response in
                #expect([.notFound, .methodNotAllowed].contains(response.status))
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test("the console's static files are served at /")
    func staticConsole() async throws {
        try await TestApp.withLiveServer { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("<title>Writ</title>"))
            }
            // The pages mailed links open, without their .html.
            try await client.execute(uri: "/approve", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("/approve.js"))
            }
            try await client.execute(uri: "/invite", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("/invite.js"))
            }
            try await client.execute(uri: "/app.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("/v1/me"))
            }
        }
    }

    @Test("openapi.json is OpenAPI 3.1 and describes every registered route")
    func openAPICoversRoutes() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let configuration = TestApp.configuration(for: database)
        let pool = ConnectionPool(configuration: database.appConfiguration())
        let router = WritApplication.makeRouter(
            configuration: configuration,
            services: AppServices(
                configuration: configuration, keys: KeyRing(masterKey: configuration.masterKey), database: Database(pool: pool),
                migrations: try Migration.load(from: TestCluster.migrationsDirectory)))
        let routes = router.routes.map { route in
            ("\(route.path)".hasPrefix("/") ? "\(route.path)" : "/\(route.path)", route.method.rawValue.lowercased())
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                let document = try response.decoded(OpenAPIDocumentBody.self)
                #expect(document.openapi == "3.1.0")
                let paths = document.paths
                #expect(!routes.isEmpty)
                for (path, method) in routes {
                    #expect(paths[path]?[method] != nil, "\(method) \(path) is not in openapi.json")
                }
                // Every {name} of a template is a declared path parameter.
                for (path, item) in paths {
                    let declared = Set((item["parameters"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
                    for segment in path.split(separator: "/") where segment.hasPrefix("{") {
                        #expect(declared.contains(String(segment.dropFirst().dropLast())), "\(path) does not declare \(segment)")
                    }
                }
                // Every operation lists the answers any request can get, writes their conflicts
                // and quotas, and each problem answer names problem+json.
                for (path, item) in paths {
                    for (method, operation) in item where method != "parameters" {
                        let responses = operation["responses"]?.objectValue ?? [:]
                        var expected = ["400", "401", "403", "404", "422", "429", "503"]
                        if method != "get" { expected += ["402", "409"] }
                        for status in expected {
                            #expect(responses[status] != nil, "\(method) \(path) does not document \(status)")
                        }
                        let problem = responses["429"]?["content"]
                        #expect(problem?["application/problem+json"] != nil, "\(method) \(path): 429 is not problem+json")
                        // Each problem answer names its status's problem types; each success has a schema.
                        for (status, answer) in responses {
                            let content = answer["content"]?.objectValue ?? [:]
                            if let problem = content["application/problem+json"], problem.objectValue != nil {
                                let parts = problem["schema"]?["allOf"]?.arrayValue ?? []
                                let type = parts.last?["properties"]?["type"]
                                #expect(
                                    type?["enum"] != nil || type?["pattern"] != nil, "\(method) \(path): \(status) names no problem types")
                            } else if status.hasPrefix("2"), let (_, body) = content.first {
                                #expect(body["schema"] != nil, "\(method) \(path): \(status) has no schema")
                            }
                        }
                    }
                }
                // scripts/test validates the document with an independent validator.
                if let directory = ProcessInfo.processInfo.environment["WRIT_TEST_ARTIFACTS"] {
                    try Data(buffer: response.body).write(to: URL(fileURLWithPath: directory).appendingPathComponent("openapi.json"))
                }
            }
        }
        await pool.close()
    }
}
