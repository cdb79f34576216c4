import ArgumentParser
import WritAPI

/// The flags matching each `WRIT_*` setting; a flag wins over the environment variable.
struct SettingOptions: ParsableArguments {
    @Option(help: "Serving connection string (WRIT_DATABASE_URL), as the writ_app role.")
    var databaseURL: String?

    @Option(help: "Migration connection string (WRIT_MIGRATE_DATABASE_URL), as a role that may create roles.")
    var migrateDatabaseURL: String?

    @Option(help: "The LISTEN session's connection string, straight to PostgreSQL (WRIT_LISTEN_DATABASE_URL; default the serving one).")
    var listenDatabaseURL: String?

    @Option(help: "What the serving URL leads to: none (PostgreSQL) or transaction (PgBouncer in transaction mode) (WRIT_DATABASE_POOLER).")
    var databasePooler: String?

    @Option(help: "host:port to listen on (WRIT_HTTP_ADDRESS, default 127.0.0.1:8080).")
    var httpAddress: String?

    @Option(help: "Externally visible base URL (WRIT_PUBLIC_URL).")
    var publicURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (WRIT_LOG_LEVEL).")
    var logLevel: String?

    @Option(help: "Directory of the console's static files (WRIT_STATIC_DIR, default web-static).")
    var staticDir: String?

    @Option(help: "Directory of the numbered SQL migrations (WRIT_MIGRATIONS_DIR, default sql).")
    var migrationsDir: String?

    @Option(help: "Serving database connections per node (WRIT_DATABASE_POOL_SIZE, default 10).")
    var databasePoolSize: String?

    /// The flags given, keyed by the setting they override. The master key is read from the
    /// environment only, so it never shows in a process listing.
    var flags: [WritConfiguration.Setting: String] {
        var flags: [WritConfiguration.Setting: String] = [:]
        flags[.databaseURL] = databaseURL
        flags[.migrateDatabaseURL] = migrateDatabaseURL
        flags[.listenDatabaseURL] = listenDatabaseURL
        flags[.databasePooler] = databasePooler
        flags[.httpAddress] = httpAddress
        flags[.publicURL] = publicURL
        flags[.logLevel] = logLevel
        flags[.staticDirectory] = staticDir
        flags[.migrationsDirectory] = migrationsDir
        flags[.databasePoolSize] = databasePoolSize
        return flags
    }
}
