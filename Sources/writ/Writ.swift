import ArgumentParser

/// The `writ` command: serve the API, migrate the schema, and offline tools.
@main
struct Writ: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "writ",
        abstract: "Writ: the governance layer between AI agents and the actions they take.",
        subcommands: [Serve.self, Migrate.self, Audit.self, Bench.self])
}
