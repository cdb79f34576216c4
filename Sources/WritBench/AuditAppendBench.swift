import Foundation
import WritCore
import WritStore

/// Audit appends per second by concurrent writers, each append in its own transaction or
/// group-committed per tenant (`writ bench audit`).
public enum AuditAppendBench {
    /// What one run did.
    public struct Result: Sendable {
        public let appends: Int
        public let seconds: Double
        public var rate: Double { Double(appends) / seconds }
    }

    /// Appends from `writers` tasks for `duration`, spread at random over `tenants`.
    public static func run(
        database: Database, tenants: [UUID], writers: Int, duration: Duration, groupCommit: Bool
    ) async throws -> Result {
        let audit = AuditLog()
        let committer = AuditGroupCommitter(database: database, audit: audit)
        let start = ContinuousClock.now
        let deadline = start + duration
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var count = 0
                    var generator = SystemRandomNumberGenerator()
                    while ContinuousClock.now < deadline {
                        let tenant = tenants[Int.random(in: 0..<tenants.count, using: &generator)]
                        let event = AuditEvent(
                            type: .benchAppend, actor: .init(kind: .writer, id: String(writer)), data: ["n": .number(Double(count))])
                        if groupCommit {
                            _ = try await committer.append(event, tenant: tenant)
                        } else {
                            try await database.withTenant(tenant) { tx in try await audit.append(event, tenant: tenant, in: tx) }
                        }
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - start
        return Result(appends: total, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
