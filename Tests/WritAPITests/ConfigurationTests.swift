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

    @Test("each bad value stops start-up naming its setting and not echoing secrets", arguments: [
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
        ("WRIT_SMTP_URL", "smtp://user:secret@mail.example.com:25"),
        ("WRIT_SMTP_URL", "https://mail.example.com"),
        ("WRIT_METRICS_TOKEN", "short"),
        ("WRIT_METRICS_TOKEN", "has spaces in the token ok"),
        ("WRIT_TRUST_PROXY", "sometimes"),
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
        }
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
