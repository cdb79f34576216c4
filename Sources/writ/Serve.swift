import ArgumentParser
import Foundation
import Hummingbird
import Logging
import WritAPI

/// `writ serve`: migrate (unless told not to) and serve the HTTP API and console.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the Writ API and console until SIGTERM or SIGINT.")

    @OptionGroup var settings: SettingOptions

    @Flag(help: "Do not apply pending migrations at start-up (WRIT_MIGRATE_ON_START=false).")
    var noMigrate = false

    func run() async throws {
        var flags = settings.flags
        if noMigrate { flags[.migrateOnStart] = "false" }
        let configuration: WritConfiguration
        do {
            configuration = try WritConfiguration(environment: ProcessInfo.processInfo.environment, flags: flags)
        } catch {
            throw ValidationError(error.description)
        }
        let logger = LogSetup.bootstrap(level: configuration.logLevel)
        try await WritApplication.serve(configuration: configuration, logger: logger)
    }
}
