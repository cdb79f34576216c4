import Foundation
import Postgres

/// The throwaway cluster `scripts/test` starts; tests fail loudly when it is not there.
enum TestDatabase {
    static var url: String {
        guard let url = ProcessInfo.processInfo.environment["WRIT_TEST_DATABASE_URL"] else {
            fatalError("WRIT_TEST_DATABASE_URL is not set: run the suite through scripts/test")
        }
        return url
    }

    /// The same cluster over TLS on a loopback address (`scripts/test` gives it a self-signed certificate).
    static var tlsURL: String {
        guard let url = ProcessInfo.processInfo.environment["WRIT_TEST_TLS_DATABASE_URL"] else {
            fatalError("WRIT_TEST_TLS_DATABASE_URL is not set: run the suite through scripts/test")
        }
        return url
    }

    static func pool(size: Int = 4, acquireTimeout: Duration = .seconds(10), statementTimeout: Duration? = .seconds(30)) -> ConnectionPool {
        ConnectionPool(
            configuration: PostgresConfiguration(
                connectionString: url, maxConnections: size, acquireTimeout: acquireTimeout, statementTimeout: statementTimeout))
    }

    /// A table name no other test uses.
    static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }
}
