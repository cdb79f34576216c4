import Foundation
import Logging
import WritCore
import WritCrypto

extension WritConfiguration {
    /// The settings `writ serve` reads, each as environment variable and flag.
    public enum Setting: String, CaseIterable, Sendable {
        case databaseURL = "WRIT_DATABASE_URL"
        case migrateDatabaseURL = "WRIT_MIGRATE_DATABASE_URL"
        case listenDatabaseURL = "WRIT_LISTEN_DATABASE_URL"
        case databasePooler = "WRIT_DATABASE_POOLER"
        case httpAddress = "WRIT_HTTP_ADDRESS"
        case publicURL = "WRIT_PUBLIC_URL"
        case masterKey = "WRIT_MASTER_KEY"
        case logLevel = "WRIT_LOG_LEVEL"
        case staticDirectory = "WRIT_STATIC_DIR"
        case migrationsDirectory = "WRIT_MIGRATIONS_DIR"
        case migrateOnStart = "WRIT_MIGRATE_ON_START"
        case databasePoolSize = "WRIT_DATABASE_POOL_SIZE"
        case mailDirectory = "WRIT_MAIL_DIR"
        case smtpURL = "WRIT_SMTP_URL"
        case smtpCAFile = "WRIT_SMTP_CA_FILE"
        case metricsToken = "WRIT_METRICS_TOKEN"
        case trustProxy = "WRIT_TRUST_PROXY"
        case webhookAllowPrivate = "WRIT_WEBHOOK_ALLOW_PRIVATE"
        case webhookRetrySchedule = "WRIT_WEBHOOK_RETRY_SCHEDULE"
        case webhookDisableAfter = "WRIT_WEBHOOK_DISABLE_AFTER"
        case auditPurge = "WRIT_AUDIT_PURGE"
    }

    /// Reads and validates settings; flags given on the command line win over the environment.
    ///
    /// Every error names the setting at fault and never echoes a secret value.
    public init(environment: [String: String], flags: [Setting: String] = [:]) throws(ConfigurationError) {
        func value(_ setting: Setting) -> String? {
            let raw = flags[setting] ?? environment[setting.rawValue]
            guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return raw
        }
        guard let databaseURL = value(.databaseURL) else {
            throw ConfigurationError(.databaseURL, "is required: the connection string of the serving role (writ_app)")
        }
        let (host, port) = try Self.parseAddress(value(.httpAddress) ?? "127.0.0.1:8080")
        let masterKey = try Self.parseMasterKey(value(.masterKey))
        var publicURL: URL?
        if let text = value(.publicURL) {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigurationError(.publicURL, "must be an http(s) URL such as https://writ.example.com")
            }
            publicURL = url
        }
        let levelText = value(.logLevel) ?? "info"
        guard let logLevel = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ConfigurationError(.logLevel, "must be one of trace, debug, info, notice, warning, error, critical")
        }
        let migrateOnStart = try Self.flag(.migrateOnStart, value(.migrateOnStart), default: true)
        let trustProxy = try Self.flag(.trustProxy, value(.trustProxy), default: false)
        let poolText = value(.databasePoolSize) ?? "10"
        guard let poolSize = Int(poolText), (1...500).contains(poolSize) else {
            throw ConfigurationError(.databasePoolSize, "must be a whole number from 1 to 500")
        }
        self.init(
            databaseURL: databaseURL, migrateDatabaseURL: value(.migrateDatabaseURL), httpHost: host, httpPort: port,
            publicURL: publicURL, masterKey: masterKey, logLevel: logLevel,
            staticDirectory: value(.staticDirectory) ?? "web-static", migrationsDirectory: value(.migrationsDirectory) ?? "sql",
            migrateOnStart: migrateOnStart, databasePoolSize: poolSize)
        try readPoolerSettings(value)
        self.mailDirectory = value(.mailDirectory)
        self.smtpURL = value(.smtpURL)
        self.smtpCAFile = value(.smtpCAFile)
        if let file = smtpCAFile, !FileManager.default.isReadableFile(atPath: file) {
            throw ConfigurationError(.smtpCAFile, "must be a readable PEM file of the certificates to trust for the SMTP server")
        }
        _ = try smtpSettings()
        self.trustProxy = trustProxy
        self.auditPurge = try Self.flag(.auditPurge, value(.auditPurge), default: true)
        try readWebhookSettings(value)
        if let token = value(.metricsToken) {
            guard token.utf8.count >= 16, token.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7f }) else {
                throw ConfigurationError(.metricsToken, "must be at least 16 printable ASCII characters without spaces")
            }
            self.metricsToken = token
        }
    }

    /// Webhook delivery: private destinations (off by default), the retry schedule and how long an
    /// endpoint may fail before it is disabled.
    private mutating func readPoolerSettings(_ value: (Setting) -> String?) throws(ConfigurationError) {
        guard let pooler = DatabasePooler(rawValue: value(.databasePooler) ?? "none") else {
            throw ConfigurationError(
                .databasePooler, "must be none (WRIT_DATABASE_URL leads to PostgreSQL) or transaction (to PgBouncer in transaction mode)")
        }
        databasePooler = pooler
        listenDatabaseURL = value(.listenDatabaseURL)
        if pooler == .transaction, listenDatabaseURL == nil {
            throw ConfigurationError(
                .listenDatabaseURL,
                "is required with WRIT_DATABASE_POOLER=transaction: LISTEN needs a session of its own, straight to PostgreSQL")
        }
    }

    private mutating func readWebhookSettings(_ value: (Setting) -> String?) throws(ConfigurationError) {
        webhookAllowPrivate = try Self.flag(.webhookAllowPrivate, value(.webhookAllowPrivate), default: false)
        if let text = value(.webhookRetrySchedule) {
            guard let schedule = WebhookRetrySchedule(text: text), schedule.delays.count <= 20 else {
                throw ConfigurationError(
                    .webhookRetrySchedule, "must be up to 20 comma-separated positive numbers of seconds, e.g. 5,300,1800")
            }
            webhookRetrySchedule = schedule
        }
        if let text = value(.webhookDisableAfter) {
            guard let seconds = Double(text), seconds >= 1, seconds <= 90 * 86_400 else {
                throw ConfigurationError(.webhookDisableAfter, "must be a number of seconds from 1 to 7776000 (90 days)")
            }
            webhookDisableAfter = seconds
        }
    }

    /// The SMTP server's settings from ``smtpURL`` and ``smtpCAFile``; `nil` without a URL.
    func smtpSettings() throws(ConfigurationError) -> SMTPSettings? {
        guard let smtpURL else { return nil }
        var settings: SMTPSettings
        do {
            settings = try SMTPSettings(url: smtpURL)
        } catch {
            throw ConfigurationError(
                .smtpURL, "\(error.description): smtp://[user:password@]host[:port][?from=address][&tls=none] or smtps://…")
        }
        if let file = smtpCAFile {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw ConfigurationError(.smtpCAFile, "must be a readable PEM file of the certificates to trust for the SMTP server")
            }
            settings.trustedCertificatesFile = file
        }
        return settings
    }

    private static func flag(_ setting: Setting, _ text: String?, default fallback: Bool) throws(ConfigurationError) -> Bool {
        switch text?.lowercased() {
        case nil: return fallback
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ConfigurationError(setting, "must be true or false")
        }
    }

    private static func parseAddress(_ text: String) throws(ConfigurationError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":") else {
            throw ConfigurationError(.httpAddress, "must be host:port, e.g. 127.0.0.1:8080")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ConfigurationError(.httpAddress, "must be host:port with a port from 0 to 65535")
        }
        return (host, port)
    }

    private static func parseMasterKey(_ text: String?) throws(ConfigurationError) -> [UInt8] {
        guard let text else {
            throw ConfigurationError(.masterKey, "is required: 32 random bytes in base64 (e.g. `openssl rand -base64 32`)")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let bytes = Data(base64Encoded: trimmed).map(Array.init) ?? Base64URL.decode(trimmed.replacingOccurrences(of: "=", with: ""))
        guard let bytes, bytes.count == 32 else {
            throw ConfigurationError(.masterKey, "must be exactly 32 bytes in base64")
        }
        return bytes
    }
}
