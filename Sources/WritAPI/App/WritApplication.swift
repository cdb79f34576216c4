import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import WritCore
import WritStore

/// Builds the Writ server: used by `writ serve` and by the tests.
public enum WritApplication {
    /// Connects, migrates when configured to, checks the serving role, and assembles the HTTP application.
    public static func build(
        configuration: WritConfiguration, logger: Logger = Logger(label: "writ")
    ) async throws -> some ApplicationProtocol {
        try await assemble(configuration: configuration, logger: logger).application
    }

    /// Builds the server and runs it until SIGTERM or SIGINT. On the signal, open long-polls are
    /// answered at once (they come before the HTTP server in the shutdown order), then the server
    /// drains its other requests and the database pool closes.
    public static func serve(configuration: WritConfiguration, logger: Logger) async throws {
        let (application, drain) = try await assemble(configuration: configuration, logger: logger)
        // Services shut down in reverse order: the drain first, then the application.
        let group = ServiceGroup(
            configuration: .init(
                services: [application, drain], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    private static func assemble(
        configuration: WritConfiguration, logger: Logger
    ) async throws -> (application: some ApplicationProtocol, drain: DrainService) {
        let migrations = try Migration.load(from: URL(fileURLWithPath: configuration.migrationsDirectory))
        if configuration.migrateOnStart, let migrateURL = configuration.migrateDatabaseURL {
            try await migrate(url: migrateURL, migrations: migrations, logger: logger)
        }
        let keys = KeyRing(masterKey: configuration.masterKey)
        let database = configuration.connectDatabase(logger: logger)
        do {
            try await database.verifyServingRole()
            try await MasterKeyCheck.verify(keys: keys, database: database)
        } catch {
            await database.close()
            throw error
        }
        let appServices = AppServices(configuration: configuration, keys: keys, database: database, migrations: migrations)
        let router = makeRouter(configuration: configuration, services: appServices)
        var services: [any Service] = [
            DatabaseService(database: database),
            NodeEvents(
                database: database, keyCache: appServices.keyCache,
                policyCache: appServices.policyCache, waiters: appServices.waiters, eventStreams: appServices.eventStreams,
                signingKeys: appServices.signingKeys, logger: logger),
            CheckpointService(checkpointer: AuditCheckpointer(database: database, audit: appServices.audit), logger: logger),
            ExpiryService(
                expiry: IntentExpiry(database: database, audit: appServices.audit), waiters: appServices.waiters,
                logger: logger),
        ]
        if configuration.auditPurge {
            services.append(RetentionService(retention: AuditRetention(database: database, audit: appServices.audit), logger: logger))
        }
        services.append(
            WebhookService(
                fanOut: WebhookFanOut(database: database, consoleURL: configuration.publicURL.absoluteString.trimmingSuffix("/")),
                dispatch: WebhookDispatch(database: database, keys: keys, signingKeys: appServices.signingKeys),
                sender: WebhookSender(resolver: WebhookResolver(allowPrivate: configuration.webhookAllowPrivate)),
                schedule: configuration.webhookRetrySchedule, disableAfter: configuration.webhookDisableAfter,
                interval: configuration.webhookInterval, logger: logger))
        let relay = try configuration.smtpSettings().map(SMTPRelay.init(settings:))
        if configuration.mailDirectory != nil || relay != nil {
            services.append(
                MailService(
                    database: database, directory: configuration.mailDirectory.map { URL(fileURLWithPath: $0) }, relay: relay,
                    links: keys.links,
                    publicURL: configuration.publicURL.absoluteString.trimmingSuffix("/"), interval: configuration.mailInterval,
                    logger: logger))
        }
        let application = Application(
            router: router,
            // Idle connections close after 90 s (longer than the longest long-poll); a request the
            // HTTP parser refuses is answered with a problem, like every other error.
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [ParseErrorProblemHandler(), HangupHandler()], idleTimeout: .seconds(90))),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "writ"),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.httpPort
                let console =
                    configuration.httpPort == 0
                    ? "http://\(configuration.httpHost):\(port)/" : configuration.publicURL.absoluteString
                logger.notice("Writ is serving", metadata: ["console": "\(console)", "port": "\(port)"])
                FileHandle.standardOutput.write(Data("Writ console: \(console)\n".utf8))
            },
            logger: logger)
        return (application, DrainService(waiters: appServices.waiters, eventStreams: appServices.eventStreams))
    }

    /// The router with every route and middleware, separate from the server so tests can inspect it.
    public static func makeRouter(configuration: WritConfiguration, services: AppServices) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        let database = services.database
        router.add(middleware: SecurityHeadersMiddleware(https: configuration.isHTTPS))
        router.add(middleware: RequestMetricsMiddleware(metrics: services.metrics))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: RequestTimeoutMiddleware(bound: configuration.requestTimeout))
        router.add(
            middleware: PageAliasMiddleware(
                directory: configuration.staticDirectory, aliases: ["/approve": "approve.html", "/invite": "invite.html"]))
        router.add(middleware: FileMiddleware(configuration.staticDirectory, searchForIndexHtml: true))
        if configuration.trustProxy { router.add(middleware: ForwardedClientMiddleware()) }
        router.add(
            middleware: AuthenticationMiddleware(
                identity: services.identity, keyCache: services.keyCache, rateLimiter: services.rateLimiter))
        HealthController(database: database, migrations: services.migrations).addRoutes(to: router)
        MetricsController(metrics: services.metrics, database: database, waiters: services.waiters, token: configuration.metricsToken)
            .addRoutes(to: router)
        OpenAPIController(document: OpenAPIDocument.make(serverURL: configuration.publicURL.absoluteString))
            .addRoutes(to: router)
        AccountController(
            identity: services.identity, throttle: services.throttle, passwords: services.passwords,
            secureCookies: configuration.isHTTPS
        )
        .addRoutes(to: router)
        TOTPController(identity: services.identity, throttle: services.throttle).addRoutes(to: router)
        MembersController(identity: services.identity).addRoutes(to: router)
        TeamsController(identity: services.identity).addRoutes(to: router)
        AgentsController(identity: services.identity, database: database, keyCache: services.keyCache).addRoutes(to: router)
        APIKeysController(identity: services.identity, database: database, keyCache: services.keyCache).addRoutes(to: router)
        AuditController(reader: services.auditReader, signingKeys: services.signingKeys, database: database, work: services.auditWork)
            .addRoutes(to: router)
        EvidenceController(writer: services.evidence).addRoutes(to: router)
        KeysController(signingKeys: services.signingKeys, database: database).addRoutes(to: router)
        WebhooksController(webhooks: services.webhooks, allowPrivate: configuration.webhookAllowPrivate).addRoutes(to: router)
        EventsController(
            reader: services.auditReader, hub: services.eventStreams, identity: services.identity,
            keyCache: services.keyCache, heartbeat: configuration.eventHeartbeat
        ).addRoutes(to: router)
        SigningKeysController(identity: services.identity, signingKeys: services.signingKeys, database: database).addRoutes(to: router)
        PoliciesController(policies: services.policies, cache: services.policyCache, database: database).addRoutes(to: router)
        PolicyToolsController(
            policies: services.policies, cache: services.policyCache, history: services.intentHistory,
            identity: services.identity, work: services.policyWork
        ).addRoutes(to: router)
        IntentsController(filing: services.filing).addRoutes(to: router)
        OverviewController(statistics: IntentStatistics(database: database), identity: services.identity).addRoutes(to: router)
        WarrantsController(warrants: services.warrants, signingKeys: services.signingKeys, database: database).addRoutes(to: router)
        BoardLinksController(
            links: services.boardLinks, identity: services.identity, throttle: services.throttle,
            waiters: services.waiters
        ).addRoutes(to: router)
        DecisionsController(
            approvals: services.approvals, intents: services.intents, identity: services.identity, throttle: services.throttle,
            waiters: services.waiters
        ).addRoutes(to: router)
        ViennaRoutes.add(to: router, services: services)
        AuthZENController(
            filing: services.filing,
            publicURL: configuration.publicURL.absoluteString.trimmingSuffix("/")
        ).addRoutes(to: router)
        return router
    }

    private static func migrate(url: String, migrations: [Migration], logger: Logger) async throws {
        let applied = try await Database.migrate(url: url, migrations: migrations, logger: logger)
        logger.info("schema is current", metadata: ["applied": "\(applied.count)"])
    }
}
