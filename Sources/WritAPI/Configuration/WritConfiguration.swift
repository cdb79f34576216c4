import Foundation
import Logging
import WritCore
import WritStore

/// Everything `writ serve` needs, read from `WRIT_*` settings (environment or flags) and validated.
///
/// Its description redacts every secret (passwords in connection strings, the master key, the
/// metrics token), so logging the configuration, or a service holding it, never leaks one.
public struct WritConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Serving connections, as a role that is neither superuser nor BYPASSRLS.
    public var databaseURL: String
    /// Connections for migrations (may create roles and own the schema); `nil` skips migrating.
    public var migrateDatabaseURL: String?
    /// The node's LISTEN session, straight to PostgreSQL; `nil` uses ``databaseURL``.
    public var listenDatabaseURL: String?
    /// What ``databaseURL`` leads to: PostgreSQL itself, or a transaction-mode pooler.
    public var databasePooler = DatabasePooler.none
    /// Interface to listen on.
    public var httpHost: String
    /// Port to listen on; 0 picks a free one.
    public var httpPort: Int
    /// The externally visible base URL, used as warrant `iss` and in links.
    public var publicURL: URL
    /// 32-byte key sealing tenant signing keys.
    public var masterKey: [UInt8]
    /// Log verbosity.
    public var logLevel: Logger.Level
    /// The console's files.
    public var staticDirectory: String
    /// The numbered `.sql` migration files.
    public var migrationsDirectory: String
    /// Whether `serve` applies pending migrations at start-up (needs ``migrateDatabaseURL``).
    public var migrateOnStart: Bool
    /// Serving connections per node.
    public var databasePoolSize: Int
    /// Where outgoing mail is written as `.eml` files (local runs and tests).
    public var mailDirectory: String?
    /// The SMTP server outgoing mail goes to: `smtp://[user:password@]host[:port][?from=address][&tls=none]`
    /// (STARTTLS required unless `tls=none`) or `smtps://…` (implicit TLS).
    public var smtpURL: String?
    /// A PEM file of the certificates to trust for the SMTP server instead of the system's.
    public var smtpCAFile: String?
    /// The bearer token `/metrics` requires; `nil` turns `/metrics` off.
    public var metricsToken: String?
    /// Whether the proxy in front is trusted to name the client in `X-Forwarded-For`.
    public var trustProxy = false
    /// The longest an ordinary request may take (long-polls add their wait).
    public var requestTimeout: Duration = .seconds(30)
    /// How often the mailer looks for new outbox messages (tests shorten it).
    public var mailInterval: Duration = .seconds(1)
    /// Whether webhooks may go to loopback, private and shared addresses (link-local never).
    public var webhookAllowPrivate = false
    /// When failed webhook deliveries are tried again.
    public var webhookRetrySchedule = WebhookRetrySchedule.standard
    /// How long every attempt to an endpoint may fail before it is disabled (3 days).
    public var webhookDisableAfter: TimeInterval = 3 * 86_400
    /// How often the webhook dispatcher looks for new events and due retries.
    public var webhookInterval: Duration = .seconds(1)
    /// Whether this node purges audit event bodies past their plan's retention (hourly). Turn it
    /// off on every node to hold everything, e.g. under a legal hold.
    public var auditPurge = true
    /// How often an idle event stream sends a keep-alive and re-checks its credential (tests shorten it).
    public var eventHeartbeat: Duration = .seconds(15)

    public init(
        databaseURL: String, migrateDatabaseURL: String? = nil, httpHost: String = "127.0.0.1", httpPort: Int = 8080,
        publicURL: URL? = nil, masterKey: [UInt8], logLevel: Logger.Level = .info, staticDirectory: String = "web-static",
        migrationsDirectory: String = "sql", migrateOnStart: Bool = true, databasePoolSize: Int = 10
    ) {
        self.databaseURL = databaseURL
        self.migrateDatabaseURL = migrateDatabaseURL
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.publicURL = publicURL ?? URL(string: "http://\(httpHost):\(httpPort)")!
        self.masterKey = masterKey
        self.logLevel = logLevel
        self.staticDirectory = staticDirectory
        self.migrationsDirectory = migrationsDirectory
        self.migrateOnStart = migrateOnStart
        self.databasePoolSize = databasePoolSize
    }

    /// What a node's database URL leads to.
    public enum DatabasePooler: String, Sendable {
        /// PostgreSQL itself (or a session-mode pooler).
        case none
        /// A transaction-mode pooler (PgBouncer `pool_mode = transaction`).
        case transaction
    }

    /// The serving pool (and the LISTEN session) these settings describe.
    public func connectDatabase(maxConnections: Int? = nil, logger: Logger) -> Database {
        Database.connect(
            url: databaseURL, listenURL: listenDatabaseURL, transactionPooler: databasePooler == .transaction,
            maxConnections: maxConnections ?? databasePoolSize, logger: logger)
    }

    /// Whether session cookies must carry `Secure`.
    public var isHTTPS: Bool { publicURL.scheme == "https" }

    public var description: String {
        let database = SecretRedaction.connectionString(databaseURL)
        let migrate = migrateDatabaseURL.map(SecretRedaction.connectionString) ?? "none"
        let listen = listenDatabaseURL.map(SecretRedaction.connectionString) ?? "same"
        let smtp = smtpURL.map(SecretRedaction.connectionString) ?? "none"
        let metrics = metricsToken == nil ? "none" : "<redacted>"
        return "WritConfiguration(database: \(database), migrate: \(migrate), listen: \(listen), http: \(httpHost):\(httpPort), "
            + "public: \(publicURL.absoluteString), smtp: \(smtp), masterKey: <redacted>, metricsToken: \(metrics))"
    }

    public var debugDescription: String { description }

    /// Reflection (`dump`, `String(reflecting:)`) shows the redacted description only.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}
