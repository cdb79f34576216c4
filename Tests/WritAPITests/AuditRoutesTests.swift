import Foundation
import Testing
import WritAPI
import WritCore
import WritTestSupport

@Suite("Audit routes, export and the offline verifier", .timeLimit(.minutes(3)))
struct AuditRoutesTests {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs the built `writ` executable; returns its exit status and standard output and error.
    private func writ(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = Self.repository.appendingPathComponent(".build/debug/writ")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test("browse, filter, export, checkpoints and verification, on- and offline")
    func auditRoundTrip() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let admin = signup.credential
            for index in 0..<5 { _ = try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"team \#(index)"}"#) }

            let page = try await api.call(.get, "/v1/audit?limit=3", as: admin)
            #expect(try page.decoded(PageBody<AuditEventBody>.self).items.count == 3)
            let cursor = try #require(try page.decoded(PageBody<AuditEventBody>.self).nextCursor)
            let second = try await api.call(.get, "/v1/audit?limit=3&cursor=\(cursor)", as: admin)
            let firstSeq = try second.decoded(PageBody<AuditEventBody>.self).items.first?.seq ?? 0
            #expect(firstSeq == 4)
            let teams = try await api.call(.get, "/v1/audit?type=team.created", as: admin)
            #expect(try teams.decoded(PageBody<AuditEventBody>.self).items.count == 5)
            #expect(try await api.call(.get, "/v1/audit?since=yesterday", as: admin).status == .unprocessableContent)

            // The periodic job signs a checkpoint of the new chain within its first passes.
            var checkpoints: [CheckpointBody] = []
            _ = try await eventually(timeout: .seconds(15), every: .milliseconds(250)) {
                checkpoints = try await api.call(.get, "/v1/audit/checkpoints", as: admin).decoded(PageBody<CheckpointBody>.self).items
                return !checkpoints.isEmpty
            }
            #expect(checkpoints.count == 1)
            _ = try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"after the checkpoint"}"#)

            let verified = try await api.call(.get, "/v1/audit/verify", as: admin).decoded(AuditVerificationBody.self)
            #expect(verified.valid == true)
            #expect(verified.checkpoints == 1)

            let export = try await api.call(.get, "/v1/audit/export", as: admin)
            #expect(export.headers[.contentType] == "application/x-ndjson")
            let lines = export.body.split(separator: "\n")
            #expect(lines.count == verified.checked)
            let tail = try await api.call(.get, "/v1/audit/export?from_seq=3", as: admin)
            #expect(tail.body.split(separator: "\n").count == lines.count - 2)
            let jwks = try await api.call(.get, "/v1/tenants/\(signup.tenant)/jwks.json")
            #expect(jwks.status == .ok)
            #expect(try await api.call(.get, "/v1/tenants/\(UUID().uuidString)/jwks.json").status == .notFound)

            let directory =
                ProcessInfo.processInfo.environment["WRIT_TEST_ARTIFACTS"].map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("writ-audit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let exportFile = directory.appendingPathComponent("audit-export.ndjson")
            let jwksFile = directory.appendingPathComponent("jwks.json")
            try export.body.write(to: exportFile, atomically: true, encoding: .utf8)
            try jwks.body.write(to: jwksFile, atomically: true, encoding: .utf8)

            let (status, output) = try writ(["audit", "verify", exportFile.path, "--jwks", jwksFile.path])
            #expect(status == 0, "\(output)")
            #expect(output.contains("1 checkpoints verified"))

            // One changed byte in the export: the verifier names the first bad seq and fails.
            var tamperedLines = lines.map(String.init)
            let victim = try #require(tamperedLines.firstIndex { $0.contains("\"team 0\"") })
            tamperedLines[victim] = tamperedLines[victim].replacingOccurrences(of: "team 0", with: "team 7")
            let tamperedFile = directory.appendingPathComponent("audit-tampered.ndjson")
            try (tamperedLines.joined(separator: "\n") + "\n").write(to: tamperedFile, atomically: true, encoding: .utf8)
            let (badStatus, badOutput) = try writ(["audit", "verify", tamperedFile.path, "--jwks", jwksFile.path])
            #expect(badStatus == 1)
            #expect(badOutput.contains("first bad seq \(victim + 1)"), "\(badOutput)")
            let (tailStatus, _) = try writ([
                "audit", "verify", exportFile.path, "--jwks", directory.appendingPathComponent("missing.json").path,
            ])
            #expect(tailStatus != 0)
        }
    }

    @Test("operators may not read the audit log; auditors may")
    func access() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup().credential
            for (role, expected) in [("operator", 403), ("auditor", 200)] {
                let email = "\(role)-\(UUID().uuidString.prefix(6))@example.com"
                let member = try Credential.session(
                    from: try await api.inviteAndAccept(as: admin, email: email, roles: #"["\#(role)"]"#).accepted)
                for path in ["/v1/audit", "/v1/audit/export", "/v1/audit/checkpoints", "/v1/audit/verify"] {
                    #expect(try await api.call(.get, path, as: member).status.code == expected, "\(role) \(path)")
                }
            }
            #expect(try await api.call(.get, "/v1/audit").status == .unauthorized)
        }
    }
}
