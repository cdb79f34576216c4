import Foundation
import Hummingbird
import Logging
import Postgres
import WritStore

/// Builds the Writ server: used by `writ serve` and by the tests.
public enum WritApplication {
    /// Connects, migrates when configured to, checks the serving role, and assembles the HTTP application.
    public static func build(
        configuration: WritConfiguration, logger: Logger = Logger(label: "writ")
    ) async throws -> some ApplicationProtocol {
        let migrations = try Migration.load(from: URL(fileURLWithPath: configuration.migrationsDirectory))
        if configuration.migrateOnStart, let migrateURL = configuration.migrateDatabaseURL {
            try await migrate(url: migrateURL, migrations: migrations, logger: logger)
        }
        let pool = ConnectionPool(
            configuration: PostgresConfiguration(
                connectionString: configuration.databaseURL, maxConnections: configuration.databasePoolSize,
                searchPath: ["writ"]),
            logger: logger)
        do {
            try await ServingRole.verify(pool)
        } catch {
            await pool.close()
            throw error
        }
        let database = Database(pool: pool)
        let router = makeRouter(configuration: configuration, database: database, migrations: migrations, metrics: AppMetrics())
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "writ"),
            services: [DatabaseService(pool: pool)],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.httpPort
                let console = configuration.httpPort == 0
                    ? "http://\(configuration.httpHost):\(port)/" : configuration.publicURL.absoluteString
                logger.notice("Writ is serving", metadata: ["console": "\(console)", "port": "\(port)"])
                FileHandle.standardOutput.write(Data("Writ console: \(console)\n".utf8))
            },
            logger: logger)
    }

    /// The router with every route and middleware, separate from the server so tests can inspect it.
    public static func makeRouter(
        configuration: WritConfiguration, database: Database, migrations: [Migration], metrics: AppMetrics
    ) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: FileMiddleware(configuration.staticDirectory, searchForIndexHtml: true))
        HealthController(database: database, migrations: migrations).addRoutes(to: router)
        MetricsController(metrics: metrics, database: database).addRoutes(to: router)
        OpenAPIController(document: OpenAPIDocument.make(serverURL: configuration.publicURL.absoluteString))
            .addRoutes(to: router)
        return router
    }

    private static func migrate(url: String, migrations: [Migration], logger: Logger) async throws {
        let pool = ConnectionPool(configuration: PostgresConfiguration(connectionString: url, maxConnections: 1), logger: logger)
        defer { Task { await pool.close() } }
        let applied = try await Migrator(pool: pool, migrations: migrations, logger: logger).migrate()
        logger.info("schema is current", metadata: ["applied": "\(applied.count)"])
    }
}
