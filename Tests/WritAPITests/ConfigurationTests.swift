import Foundation
import Testing
import WritAPI

@Suite("Configuration", .timeLimit(.minutes(3)))
struct ConfigurationTests {
    private let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    private var base: [String: String] { ["WRIT_DATABASE_URL": "postgresql://writ_app@/writ", "WRIT_MASTER_KEY": key] }

    @Test("defaults apply when only the required settings are given")
    func defaults() throws {
        let configuration = try WritConfiguration(environment: base)
        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.httpPort == 8080)
        #expect(configuration.masterKey == Array(0..<32))
        #expect(configuration.migrateOnStart)
        #expect(configuration.migrateDatabaseURL == nil)
        #expect(configuration.publicURL.absoluteString == "http://127.0.0.1:8080")
        #expect(!configuration.isHTTPS)
    }

    @Test("flags win over the environment")
    func flagsWin() throws {
        var environment = base
        environment["WRIT_HTTP_ADDRESS"] = "0.0.0.0:9000"
        let configuration = try WritConfiguration(
            environment: environment, flags: [.httpAddress: "[::1]:7000", .publicURL: "https://writ.example.com"])
        #expect(configuration.httpHost == "::1")
        #expect(configuration.httpPort == 7000)
        #expect(configuration.isHTTPS)
    }

    @Test("behind a transaction pooler a direct LISTEN URL is required")
    func poolerNeedsListenURL() throws {
        var environment = base
        environment["WRIT_DATABASE_POOLER"] = "transaction"
        #expect(throws: ConfigurationError.self) { try WritConfiguration(environment: environment) }
        do {
            _ = try WritConfiguration(environment: environment)
        } catch {
            #expect(error.setting == .listenDatabaseURL)
        }
        environment["WRIT_LISTEN_DATABASE_URL"] = "postgresql://writ_app:pw@db:5432/writ"
        let configuration = try WritConfiguration(environment: environment)
        #expect(configuration.databasePooler == .transaction)
        #expect(configuration.listenDatabaseURL == "postgresql://writ_app:pw@db:5432/writ")
        #expect(!configuration.description.contains(":pw@"))
    }

    @Test(
        "each bad value stops start-up naming its setting and not echoing secrets",
        arguments: [
            ("WRIT_DATABASE_URL", ""),
            ("WRIT_MASTER_KEY", ""),
            ("WRIT_MASTER_KEY", "c2hvcnQ="),
            ("WRIT_MASTER_KEY", "not base64 at all!"),
            ("WRIT_HTTP_ADDRESS", "localhost"),
            ("WRIT_HTTP_ADDRESS", "localhost:99999"),
            ("WRIT_HTTP_ADDRESS", ":8080"),
            ("WRIT_PUBLIC_URL", "ftp://example.com"),
            ("WRIT_LOG_LEVEL", "loud"),
            ("WRIT_MIGRATE_ON_START", "maybe"),
            ("WRIT_DATABASE_POOL_SIZE", "0"),
            ("WRIT_SMTP_URL", "smtp://user:secret@mail.example.com:25?tls=none"),
            ("WRIT_SMTP_URL", "smtp://user@mail.example.com:587"),
            ("WRIT_SMTP_URL", "smtps://mail.example.com?tls=none"),
            ("WRIT_SMTP_URL", "smtp://mail.example.com?tsl=none"),
            ("WRIT_SMTP_URL", "smtp://mail.example.com?from=a@b@c"),
            ("WRIT_SMTP_URL", "smtp://mail.example.com:70000"),
            ("WRIT_SMTP_URL", "https://mail.example.com"),
            ("WRIT_SMTP_CA_FILE", "/nonexistent/ca.pem"),
            ("WRIT_METRICS_TOKEN", "short"),
            ("WRIT_METRICS_TOKEN", "has spaces in the token ok"),
            ("WRIT_TRUST_PROXY", "sometimes"),
            ("WRIT_DATABASE_POOLER", "pgbouncer"),
        ])
    func badValues(setting: String, value: String) {
        var environment = base
        environment[setting] = value
        do {
            _ = try WritConfiguration(environment: environment)
            Issue.record("\(setting)=\(value) was accepted")
        } catch {
            #expect(error.setting.rawValue == setting)
            #expect(error.description.hasPrefix(setting))
            if setting == "WRIT_MASTER_KEY", !value.isEmpty { #expect(!error.description.contains(value)) }
            #expect(!error.description.contains("secret"))
        }
    }

    @Test(
        "SMTP URLs with credentials, STARTTLS, implicit TLS and an explicit plain relay are accepted",
        arguments: [
            "smtp://user:secret@mail.example.com:587", "smtps://user%40example.com:p%3Ass@mail.example.com",
            "smtp://relay.internal?tls=none&from=writ@example.com", "smtp://mail.example.com?tls=starttls",
        ])
    func goodSMTP(url: String) throws {
        var environment = base
        environment["WRIT_SMTP_URL"] = url
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("writ-ca-\(UUID().uuidString).pem")
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: caFile)
        defer { try? FileManager.default.removeItem(at: caFile) }
        environment["WRIT_SMTP_CA_FILE"] = caFile.path
        let configuration = try WritConfiguration(environment: environment)
        #expect(configuration.smtpCAFile == caFile.path)
        #expect(configuration.smtpURL == url)
        #expect(!configuration.description.contains("secret") && !configuration.description.contains("p%3Ass"))
    }

    @Test("the configuration describes itself with every secret redacted")
    func redactedDescription() throws {
        var environment = base
        environment["WRIT_DATABASE_URL"] = "postgresql://writ_app:s3cr3t-app@db.example.com/writ?sslmode=require"
        environment["WRIT_MIGRATE_DATABASE_URL"] = "host=db user=writ_migrator password=s3cr3t-migrate dbname=writ"
        environment["WRIT_METRICS_TOKEN"] = "metrics-token-s3cr3t-0123"
        environment["WRIT_TRUST_PROXY"] = "true"
        let configuration = try WritConfiguration(environment: environment)
        #expect(configuration.trustProxy)
        #expect(configuration.metricsToken == "metrics-token-s3cr3t-0123")
        for text in [configuration.description, String(reflecting: configuration), "\(configuration)"] {
            #expect(!text.contains("s3cr3t"), "\(text)")
            #expect(!text.contains(key))
            #expect(text.contains("db.example.com"))
        }
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("s3cr3t"))
    }
}
