import Hummingbird
import WritCore
import WritStore

/// `/healthz` and `/health` (the process answers) and `/readyz` (the database answers and the schema is current).
struct HealthController {
    let database: Database
    let migrations: [Migration]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/healthz") { _, _ in
            JSONBody.response(["status": "ok"])
        }
        // Vienna OS's SDKs ask here.
        router.get("/health") { _, _ in
            JSONBody.response(["status": "ok"])
        }
        router.get("/readyz") { _, _ in
            try await readiness()
        }
    }

    private func readiness() async throws -> Response {
        guard await database.isReachable() else {
            throw Problem(
                status: .serviceUnavailable, title: "Not ready", detail: "The database is not reachable.",
                retryAfter: 5)
        }
        let status: MigrationStatus
        do {
            status = try await database.migrationStatus(known: migrations)
        } catch let error as MigrationError {
            throw Problem(status: .serviceUnavailable, title: "Not ready", detail: error.description)
        }
        guard status.isCurrent else {
            let pending = status.pending.map(\.fileName).joined(separator: ", ")
            throw Problem(
                status: .serviceUnavailable, title: "Not ready", detail: "Migrations not applied: \(pending).",
                retryAfter: 5)
        }
        return JSONBody.response(["status": "ready", "schema_version": .number(Double(migrations.last?.version ?? 0))])
    }
}
