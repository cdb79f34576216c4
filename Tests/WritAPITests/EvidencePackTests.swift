import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Testing
import WritCore
import WritCrypto
import WritStore
import WritTestSupport

@Suite("Audit evidence packs", .timeLimit(.minutes(3)))
struct EvidencePackTests {
    static let policyV1 =
        #"{"defaults":{"tier":"T1"},"rules":[{"id":"reads","match":{"action":"*.read"},"tier":"T0"},{"id":"never-drop","match":{"action":"db.drop"},"effect":"deny"}]}"#
    static let policyV2 =
        #"{"defaults":{"tier":"T1"},"rules":[{"id":"reads","match":{"action":"*.read"},"tier":"T0"},{"id":"never-drop","match":{"action":"db.drop"},"effect":"deny"},{"id":"reports","match":{"action":"report.*"},"tier":"T0"}]}"#

    /// A busy period: T0 reads, T1 approved and rejected, a denial, a cancellation, results, a
    /// revoked warrant, and a policy change in the middle. Returns the pack and what made it.
    static func busyPack(_ api: APIClient, masterKey: [UInt8], database: TestDatabaseInfo) async throws
        -> (pack: [UInt8], tenant: String, key: (kid: String, key: Ed25519.PrivateKey), approved: String)
    {
        let start = Date().addingTimeInterval(-5)
        let signup = try await api.signup()
        let admin = signup.credential
        let setup = try await api.agentWithKey(as: admin)
        let agent = Credential.key(setup.key)
        _ = try await api.call(.put, "/v1/policy", as: admin, json: Self.policyV1)
        let operatorPerson = try await ApprovalFlowTests.person(api, admin: admin, roles: #"["operator"]"#, teams: [setup.team])
        var reads: [IntentBody] = []
        for index in 0..<3 {
            reads.append(
                try await api.call(.post, "/v1/intents", as: agent, json: #"{"action":"s3.read","resource":"b/\#(index)"}"#)
                    .decoded(IntentBody.self))
        }
        let approved = try await api.call(
            .post, "/v1/intents", as: agent, json: #"{"action":"crm.update","resource":"c/1","params":{"n":1}}"#)
        let approvedID = try approved.decoded(IntentBody.self).id
        _ = try await api.call(
            .post, "/v1/intents/\(approvedID)/decisions", as: operatorPerson.credential, json: #"{"decision":"approve"}"#)
        _ = try await api.call(.post, "/v1/intents/\(approvedID)/result", as: agent, json: #"{"status":"executed","summary":"done"}"#)
        let rejected = try await api.call(.post, "/v1/intents", as: agent, json: #"{"action":"crm.update","resource":"c/2"}"#)
        _ = try await api.call(
            .post, "/v1/intents/\(try rejected.decoded(IntentBody.self).id)/decisions", as: operatorPerson.credential,
            json: #"{"decision":"reject","comment":"not now"}"#)
        let cancelled = try await api.call(.post, "/v1/intents", as: agent, json: #"{"action":"crm.update","resource":"c/3"}"#)
        _ = try await api.call(.post, "/v1/intents/\(try cancelled.decoded(IntentBody.self).id)/cancel", as: agent)
        _ = try await api.call(.post, "/v1/intents", as: agent, json: #"{"action":"db.drop","resource":"prod/x"}"#)
        let jti = try #require(reads[0].warrantClaims?.jti)
        _ = try await api.call(.post, "/v1/warrants/\(jti)/revoke", as: admin)
        _ = try await api.call(.put, "/v1/policy?comment=reports%20need%20no%20approval", as: admin, json: Self.policyV2)
        let report = try await api.call(.post, "/v1/intents", as: agent, json: #"{"action":"report.generate","resource":"q3"}"#)
        #expect(try report.decoded(IntentBody.self).tier == "T0")
        // A checkpoint inside the period, as the server's checkpointer signs one every minute.
        let pool = ConnectionPool(configuration: database.appConfiguration(maxConnections: 1))
        let signingKeys = SigningKeys(keys: KeyRing(masterKey: masterKey))
        #expect(
            try await AuditCheckpointer(database: Database(pool: pool), audit: AuditLog(signingKeys: signingKeys), interval: 0).runOnce()
                >= 1)
        let active = try await signingKeys.activeKey(tenant: UUID(uuidString: signup.tenant)!, database: Database(pool: pool))
        await pool.close()
        let until = Date().addingTimeInterval(5)
        let pack = try await Self.download(api, as: admin, since: start, until: until)
        return (pack, signup.tenant, (active.kid, active.key), approvedID)
    }

    static func download(_ api: APIClient, as credential: Credential, since: Date, until: Date) async throws -> [UInt8] {
        var headers: HTTPFields = [:]
        if let cookie = credential.sessionCookie { headers[.cookie] = "writ_session=\(cookie)" }
        let path = "/v1/audit/evidence?since=\(Timestamp.format(since))&until=\(Timestamp.format(until))"
        return try await api.client.execute(uri: path, method: .get, headers: headers) { response in
            #expect(response.status == .ok && response.headers[.contentType] == "application/zip")
            return Array(buffer: response.body)
        }
    }

    static func findings(_ pack: [UInt8]) -> [String] { EvidenceVerifier.verify(pack).findings.map(\.description) }

    @Test(
        "a busy period's pack verifies offline (also with writ audit verify-evidence); a flipped byte in any file is named; so are forgeries re-signed with the tenant's key"
    )
    func packVerifiesAndTamperingIsNamed() async throws {
        let masterKey = SecureRandom.bytes(32)
        try await TestApp.withServer(configure: { $0.masterKey = masterKey }) { api, database in
            let (pack, _, key, approvedID) = try await Self.busyPack(api, masterKey: masterKey, database: database)
            let outcome = EvidenceVerifier.verify(pack)
            #expect(outcome.valid, "\(outcome.findings)")
            #expect(outcome.notes.contains { $0.hasPrefix("intents: 8,") }, "\(outcome.notes)")
            // At least the one signed above (under load the server's own checkpointer may add another).
            #expect(outcome.notes.contains { $0.hasPrefix("checkpoints: ") && !$0.hasPrefix("checkpoints: 0 ") }, "\(outcome.notes)")
            let files = try EvidenceForgery.files(pack)
            #expect(Set(files.map(\.name)) == Set(EvidenceManifest.File.allCases.map(\.rawValue) + ["manifest.json", "manifest.jws"]))
            let report = String(decoding: files.first { $0.name == "report.html" }!.bytes, as: UTF8.self)
            #expect(report.contains("reports need no approval") && report.contains("not now") && !report.contains("<script"))

            for file in files {
                let flipped = try EvidenceForgery.repack(pack, file.name) { bytes in
                    guard !bytes.isEmpty else { return [0x0a] }  // an empty file (no checkpoint yet) gains a byte
                    var bytes = bytes
                    bytes[bytes.count / 2] ^= 0x01
                    return bytes
                }
                let found = Self.findings(flipped)
                #expect(found.contains { $0.hasPrefix(file.name) || $0.hasPrefix("manifest") }, "\(file.name): \(found)")
            }

            let dropped = try EvidenceForgery.repack(pack, "events.ndjson", key: key) {
                EvidenceForgery.lines($0) { index, line in index == 7 ? JSONValue?.none : line }
            }
            #expect(
                Self.findings(dropped).contains { $0.hasPrefix("events.ndjson") && $0.contains("missing") }, "\(Self.findings(dropped))")

            let replaced = try EvidenceForgery.repack(pack, "policies.ndjson", key: key) {
                EvidenceForgery.lines($0) { _, line in
                    guard line["version"] == .number(1), case .object(var members) = line else { return line }
                    members["document"] = try? JSONParser.parse(Array(#"{"defaults":{"tier":"T0"}}"#.utf8))
                    return .object(members)
                }
            }
            let replacedFindings = Self.findings(replaced)
            #expect(replacedFindings.contains { $0.contains("version 1 differs from the policy.changed event") }, "\(replacedFindings)")

            let unapproved = try EvidenceForgery.repack(pack, "intents.ndjson", key: key) {
                EvidenceForgery.lines($0) { _, line in
                    guard line["id"]?.stringValue == approvedID, case .object(var members) = line else { return line }
                    members["approvals"] = .array([])
                    return .object(members)
                }
            }
            #expect(Self.findings(unapproved).contains { $0.hasPrefix("intent \(approvedID)") && $0.contains("required 1") })

            let promoted = try EvidenceForgery.repack(pack, "intents.ndjson", key: key) {
                EvidenceForgery.lines($0) { _, line in
                    guard line["action"] == .string("db.drop"), case .object(var members) = line else { return line }
                    members["outcome"] = "allow"
                    members["tier"] = "T0"
                    return .object(members)
                }
            }
            let promotedFindings = Self.findings(promoted)
            #expect(
                promotedFindings.contains { $0.contains("re-evaluated under policy") && $0.contains("it is denied") }, "\(promotedFindings)"
            )
            #expect(promotedFindings.contains { $0.contains("differs from the intent.submitted event") })

            try Self.checkCommandLine(pack)

            // For scripts/test's independent verifier (scripts/verify_evidence.py): the pack and its forgeries.
            if let directory = ProcessInfo.processInfo.environment["WRIT_TEST_ARTIFACTS"].map(URL.init(fileURLWithPath:)) {
                for (name, bytes) in [
                    ("evidence.zip", pack), ("evidence-dropped-event.zip", dropped), ("evidence-replaced-policy.zip", replaced),
                    ("evidence-unapproved.zip", unapproved), ("evidence-promoted.zip", promoted),
                ] {
                    try Data(bytes).write(to: directory.appendingPathComponent(name))
                }
            }
        }
    }

    /// `writ audit verify-evidence` on the pack, and on a copy with one byte flipped inside the archive.
    static func checkCommandLine(_ pack: [UInt8]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.zip")
        let bad = directory.appendingPathComponent("bad.zip")
        try Data(pack).write(to: good)
        var damaged = pack
        let marker = Array(#""type":"intent.submitted""#.utf8)
        let at = try #require((0..<(damaged.count - marker.count)).first { Array(damaged[$0..<($0 + marker.count)]) == marker })
        damaged[at + 9] ^= 0x20
        try Data(damaged).write(to: bad)
        let (status, output) = try Self.run(["audit", "verify-evidence", good.path])
        #expect(status == 0 && output.contains("valid:"), "\(output)")
        let (badStatus, badOutput) = try Self.run(["audit", "verify-evidence", bad.path])
        #expect(badStatus == 1 && badOutput.contains("events.ndjson"), "\(badOutput)")
    }

    static func run(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = ServedProcess.binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
