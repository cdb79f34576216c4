import Foundation
import Testing
import WritTestSupport

@Suite("Shutdown answers long-polls at once", .timeLimit(.minutes(3)))
struct ShutdownTests {
    @Test("SIGTERM answers an open ?wait=30 with the current state and the process exits within seconds")
    func sigtermDrainsLongPolls() async throws {
        let database = try await TestCluster.makeDatabase()
        let metricsToken = "shutdown-metrics-token-0123456789"
        let server = try await ServedProcess.start(
            database: database, arguments: ["--log-level", "warning"], environment: ["WRIT_METRICS_TOKEN": metricsToken])
        let base = server.base
        let jar = FileManager.default.temporaryDirectory.appendingPathComponent("writ-jar-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: jar) }
        func post<Body: Decodable>(_ path: String, _ body: String, csrf: String? = nil, key: String? = nil, as type: Body.Type) throws
            -> Body
        {
            var arguments = ["-b", jar, "-c", jar, "-H", "Content-Type: application/json", "-d", body]
            if let csrf { arguments += ["-H", "X-CSRF-Token: \(csrf)"] }
            if let key { arguments += ["-H", "Authorization: Bearer \(key)"] }
            return try ServedProcess.decoded(type, from: try ServedProcess.curl(arguments + ["\(base)\(path)"]))
        }
        let signup = try post(
            "/v1/signup", #"{"organization":"Drain","email":"drain@example.com","password":"correct horse battery"}"#, as: SessionBody.self)
        let csrf = signup.csrfToken
        let team = try post("/v1/teams", #"{"name":"ops"}"#, csrf: csrf, as: TeamBody.self).id
        let agent = try post("/v1/agents", #"{"name":"bot","team_id":"\#(team)"}"#, csrf: csrf, as: AgentBody.self).id
        let key = try post(
            "/v1/api-keys", #"{"name":"k","agent_id":"\#(agent)","scopes":["intents"]}"#, csrf: csrf, as: CreatedKeyBody.self
        ).key
        let intent = try post("/v1/intents", #"{"action":"crm.update","resource":"c/1"}"#, key: key, as: IntentBody.self)
        let id = intent.id
        #expect(intent.status == "pending_approval")

        let poll = Process()
        poll.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        poll.arguments = ["-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(key)", "\(base)/v1/intents/\(id)?wait=30"]
        let output = Pipe()
        poll.standardOutput = output
        try poll.run()
        #expect(
            try await eventually(every: .milliseconds(20)) {
                try ServedProcess.curl(["-H", "Authorization: Bearer \(metricsToken)", "\(base)/metrics"])
                    .split(separator: "\n").contains { $0.hasPrefix("writ_long_polls_waiting 1") }
            })
        let started = Date()
        #expect(try await server.terminate(within: 10))
        #expect(Date().timeIntervalSince(started) < 8, "shutdown waited for the long-poll")
        #expect(server.process.terminationStatus == 0)
        poll.waitUntilExit()
        let answer = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(answer.hasSuffix("\n200"), "\(answer)")
        #expect(answer.contains("pending_approval"))
    }
}
