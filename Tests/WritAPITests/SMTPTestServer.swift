import Foundation
import WritCore
import WritTestSupport

/// A local SMTP server (`scripts/smtp_server.py`, aiosmtpd) with a fresh self-signed
/// certificate, for the mail tests.
struct SMTPTestServer {
    enum Mode: String {
        case startTLS = "starttls"
        case implicitTLS = "smtps"
        case plain
    }

    /// A message as the server received it, with what the session was.
    struct Received {
        let text: String
        let tls: Bool
        let authenticated: Bool
    }

    let process: Process
    let directory: URL
    let port: Int

    /// The self-signed certificate the server presents.
    var certificate: URL { directory.appendingPathComponent("cert.pem") }

    /// With `echoRefusedAuth`, a refused AUTH is answered with the credentials the client sent, as
    /// some servers echo the command they refuse.
    static func start(_ mode: Mode, user: String? = nil, password: String? = nil, echoRefusedAuth: Bool = false) async throws
        -> SMTPTestServer
    {
        let python = ProcessInfo.processInfo.environment["WRIT_TEST_PYTHON"] ?? "python3"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("writ-smtp-\(UUID().uuidString)")
        let port = Int.random(in: 40_000..<50_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        let script = TestCluster.migrationsDirectory.deletingLastPathComponent().appendingPathComponent("scripts/smtp_server.py").path
        process.arguments = [script, directory.path, String(port), mode.rawValue] + [user, password].compactMap { $0 }
        if echoRefusedAuth {
            process.environment = ProcessInfo.processInfo.environment.merging(["WRIT_SMTP_ECHO_AUTH": "1"]) { _, new in new }
        }
        // Not on our stdout: a lingering child would keep the test run's output pipe open.
        process.standardOutput = FileHandle.nullDevice
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("stderr.log").path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: directory.appendingPathComponent("stderr.log"))
        try process.run()
        _ = try await eventually { FileManager.default.fileExists(atPath: directory.appendingPathComponent("ready").path) }
        return SMTPTestServer(process: process, directory: directory, port: port)
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        if ProcessInfo.processInfo.environment["WRIT_TEST_KEEP_SMTP"] == nil { try? FileManager.default.removeItem(at: directory) }
    }

    /// Every message received so far.
    func received() throws -> [Received] {
        let mail = directory.appendingPathComponent("mail")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: mail.path))?.filter { $0.hasSuffix(".eml") } ?? []
        return try names.sorted().map { name in
            let text = try String(contentsOf: mail.appendingPathComponent(name), encoding: .utf8)
            let meta = try JSONParser.parse(
                try Data(contentsOf: mail.appendingPathComponent(name.replacingOccurrences(of: ".eml", with: ".json"))))
            return Received(text: text, tls: meta["tls"] == .bool(true), authenticated: meta["authenticated"] == .bool(true))
        }
    }

    /// Waits (up to 10 s) until `count` messages of `kind` arrived; returns those there are.
    func messages(kind: MailKind, count: Int) async throws -> [Received] {
        var found: [Received] = []
        _ = try await eventually(every: .milliseconds(100)) {
            found = try received().filter { $0.text.contains("\r\nX-Writ-Kind: \(kind.rawValue)\r\n") }
            return found.count >= count
        }
        return found
    }

    /// Each AUTH attempt the server saw: whether it was inside TLS and accepted.
    func authAttempts() throws -> [(tls: Bool, accepted: Bool)] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("auth.log"), encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let entry = try JSONParser.parse(String(line))
            return (entry["tls"] == .bool(true), entry["accepted"] == .bool(true))
        }
    }
}
