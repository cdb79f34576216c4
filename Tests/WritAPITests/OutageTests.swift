import Foundation
import Postgres
import Testing
import WritTestSupport

@Suite("A database outage answers 503, and the server recovers without a restart", .timeLimit(.minutes(3)))
struct OutageTests {
    @Test("with the database refusing connections, submissions and readiness answer 503 with Retry-After; afterwards 201 again")
    func outage() async throws {
        try await TestApp.withServer { api, database in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let submit = #"{"action":"s3.objects.read","resource":"b/1"}"#
            #expect(try await api.call(.post, "/v1/intents", as: .key(setup.key), json: submit).status == .created)

            // The outage: the database takes no new sessions and every open one is cut.
            let superuser = ConnectionPool(configuration: PostgresConfiguration(connectionString: TestCluster.adminURL, maxConnections: 1))
            try await superuser.query(SQL(unsafeSQL: "ALTER DATABASE \(database.name) ALLOW_CONNECTIONS false"))
            try await superuser.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(database.name)")
            var statuses: [Int] = []
            for index in 0..<5 {
                let response = try await api.call(
                    .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/x\#(index)"}"#)
                statuses.append(response.status.code)
                if response.status == .serviceUnavailable {
                    #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
            #expect(statuses.allSatisfy { $0 == 503 }, "\(statuses)")
            #expect(try await api.call(.get, "/readyz").status == .serviceUnavailable)

            try await superuser.query(SQL(unsafeSQL: "ALTER DATABASE \(database.name) ALLOW_CONNECTIONS true"))
            await superuser.close()
            let recovered = try await eventually(every: .milliseconds(200)) {
                try await api.call(.post, "/v1/intents", as: .key(setup.key), json: submit.replacingOccurrences(of: "b/1", with: "b/2"))
                    .status == .created
            }
            #expect(recovered)
        }
    }
}
