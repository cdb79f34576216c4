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

    /// The libpq connection keywords. libpq keeps the last value of a repeated keyword, and the
    /// caller's string is expanded where its `dbname` stands: the connect timeout before it is a
    /// default the string may override; the session options after it always win.
    var connectionParameters: [(String, String)] {
        var options = ["-c TimeZone=UTC", "-c DateStyle=ISO", "-c client_encoding=UTF8"]
        if let statementTimeout {
            let milliseconds = statementTimeout.components.seconds * 1000
                + statementTimeout.components.attoseconds / 1_000_000_000_000_000
            options.append("-c statement_timeout=\(milliseconds)")
        }
        if let searchPath {
            // Spaces in the options string must be escaped with a backslash for libpq.
            options.append("-c search_path=" + searchPath.joined(separator: ",\\ "))
        }
        var parameters = [
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("dbname", connectionString),
            ("application_name", applicationName),
            ("options", options.joined(separator: " ")),
        ]
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
