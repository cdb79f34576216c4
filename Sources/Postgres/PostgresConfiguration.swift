/// How to reach PostgreSQL and how many connections to keep.
///
/// Its description (and reflection) shows the connection string with the password redacted.
public struct PostgresConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A `postgresql://` URL or a libpq key/value conninfo string.
    public var connectionString: String
    /// The most connections the pool opens.
    public var maxConnections: Int
    /// How long a caller waits for a free connection before failing.
    public var acquireTimeout: Duration
    /// Server-side limit on one statement; `nil` keeps the server's setting.
    public var statementTimeout: Duration?
    /// `search_path` for every session; `nil` keeps the role's setting.
    public var searchPath: [String]?
    /// Shown in `pg_stat_activity`.
    public var applicationName: String
    /// Seconds libpq waits for a connection to open, unless ``connectionString`` names its own
    /// `connect_timeout`.
    public var connectTimeoutSeconds: Int
    /// Overrides the database named in ``connectionString``.
    public var database: String?
    /// Overrides the user named in ``connectionString``.
    public var user: String?
    /// Whether sessions lead straight to PostgreSQL or through a transaction-mode pooler.
    public var route: Route = .direct

    /// How a session reaches PostgreSQL, which decides what state it may keep.
    public enum Route: Sendable, Equatable {
        /// Straight to the server (or a session-mode pooler): settings are sent at connect and
        /// statements are prepared once per session.
        case direct
        /// Through a transaction-mode pooler such as PgBouncer, where consecutive transactions may
        /// run on different server sessions: nothing is kept per session (no startup options, no
        /// named prepared statements); the role's own settings must give the session defaults.
        case transactionPooler
    }

    public init(
        connectionString: String,
        maxConnections: Int = 10,
        acquireTimeout: Duration = .seconds(10),
        statementTimeout: Duration? = .seconds(30),
        searchPath: [String]? = nil,
        applicationName: String = "writ",
        connectTimeoutSeconds: Int = 5
    ) {
        self.connectionString = connectionString
        self.maxConnections = max(1, maxConnections)
        self.acquireTimeout = acquireTimeout
        self.statementTimeout = statementTimeout
        self.searchPath = searchPath
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// The most statements a session prepares and keeps; none through a transaction-mode pooler.
    var preparedStatementLimit: Int { route == .direct ? 256 : 0 }

    /// The libpq connection keywords. libpq keeps the last value of a repeated keyword, and the
    /// caller's string is expanded where its `dbname` stands: the defaults before it (connect
    /// timeout, a writable server, TCP keepalives) may be overridden by the string; the session
    /// options after it always win.
    var connectionParameters: [(String, String)] {
        var options = ["-c TimeZone=UTC", "-c DateStyle=ISO", "-c client_encoding=UTF8"]
        if let statementTimeout {
            let milliseconds =
                statementTimeout.components.seconds * 1000
                + statementTimeout.components.attoseconds / 1_000_000_000_000_000
            options.append("-c statement_timeout=\(milliseconds)")
        }
        if let searchPath {
            // Spaces in the options string must be escaped with a backslash for libpq.
            options.append("-c search_path=" + searchPath.joined(separator: ",\\ "))
        }
        var parameters = [
            ("connect_timeout", String(connectTimeoutSeconds)),
            // Of a multi-host URL's servers, only the primary: a standby (or a demoted primary)
            // cannot take the writes every request makes.
            ("target_session_attrs", "read-write"),
            // A server that vanished without closing its sockets (a dead host, a partition) is
            // noticed within seconds instead of the kernel's retransmission timeout of minutes.
            ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "3"), ("keepalives_count", "3"),
            ("tcp_user_timeout", "20000"),
            ("dbname", connectionString),
            ("application_name", applicationName),
        ]
        switch route {
        case .direct: parameters.append(("options", options.joined(separator: " ")))
        // A transaction pooler refuses (or drops) `options`; it passes client_encoding on.
        case .transactionPooler: parameters.append(("client_encoding", "UTF8"))
        }
        // libpq expands only the first dbname; a later one is a plain database name that wins.
        if let database { parameters.append(("dbname", database)) }
        if let user { parameters.append(("user", user)) }
        return parameters
    }

    public var description: String {
        "PostgresConfiguration(\(Redaction.connectionString(connectionString)), maxConnections: \(maxConnections))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}
