import Foundation
import WritCrypto
import WritTestSupport

/// `writ serve` started as a process over a fresh database, and curl to talk to it, for the tests
/// that need the real binary (signals, logs).
struct ServedProcess {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/writ")

    let process: Process
    let base: String

    /// Starts the server with `arguments` appended and `environment` added; waits until it is ready.
    static func start(
        database: TestDatabaseInfo, arguments: [String] = [], environment extra: [String: String] = [:], output: FileHandle? = nil
    ) async throws -> ServedProcess {
        let port = Int.random(in: 20_000..<40_000)
        let process = Process()
        process.executableURL = binary
        process.arguments =
            [
                "serve", "--database-url", database.appConnectionString, "--migrate-database-url", database.adminConnectionString,
                "--http-address", "127.0.0.1:\(port)", "--migrations-dir", TestCluster.migrationsDirectory.path,
                "--static-dir", TestCluster.staticDirectory.path,
            ] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["WRIT_MASTER_KEY"] = Data(SecureRandom.bytes(32)).base64EncodedString()
        environment.merge(extra) { _, new in new }
        process.environment = environment
        if let output {
            process.standardOutput = output
            process.standardError = output
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        let served = ServedProcess(process: process, base: "http://127.0.0.1:\(port)")
        if try await eventually(
            timeout: .seconds(15), every: .milliseconds(100),
            {
                try Self.curl(["-o", "/dev/null", "-w", "%{http_code}", "\(served.base)/readyz"]) == "200"
            })
        {
            return served
        }
        process.terminate()
        throw NotReady()
    }

    /// The server did not become ready within 15 s.
    struct NotReady: Error {}

    /// Runs curl (silent) with `arguments`; returns what it printed.
    static func curl(_ arguments: [String]) throws -> String {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s"] + arguments
        let output = Pipe()
        curl.standardOutput = output
        try curl.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// curl's output decoded as `type`; throws (failing the test) when it is not one.
    static func decoded<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// Sends SIGTERM and waits up to `seconds` for the process to exit; whether it did.
    func terminate(within seconds: Double) async throws -> Bool {
        process.terminate()
        return try await eventually(timeout: .milliseconds(Int(seconds * 1000))) { !process.isRunning }
    }
}
