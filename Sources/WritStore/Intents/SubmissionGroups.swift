import Foundation
import Postgres
import Synchronization
import WritCore

/// Group commit of a tenant's concurrent submissions: while one transaction of a tenant is in
/// flight, the tenant's next submissions queue; when it ends, the queue is written as one
/// transaction — one head lock, one multi-row event insert, one fsync — and every submission in it
/// is acknowledged only after that commit. A batch that cannot go through whole (an agent disabled
/// meanwhile, the monthly quota reached inside the batch, any database error) is rolled back and
/// its submissions are run one by one, each with its own answer.
final class SubmissionGroups: Sendable {
    /// One queued submission (T0 or denied, no rate rule), with the decision already made.
    struct Job: Sendable {
        let submission: IntentSubmission
        let agent: Agent
        let key: KeyPrincipal
        let input: PolicyInput
        let policy: EffectivePolicy
        let decision: Decision
    }

    private struct Waiting: Sendable {
        let job: Job
        let continuation: CheckedContinuation<(IntentRecord, created: Bool), any Error>
    }

    /// The queue of each tenant with a committer running (an empty queue: running, nothing waiting).
    private let queues = Mutex<[UUID: [Waiting]]>([:])

    /// Queues `job` and returns its record once the transaction holding it has committed (`created`
    /// is false when its idempotency key had filed it before).
    func submit(_ job: Job, tenant: UUID, store: IntentStore) async throws -> (IntentRecord, created: Bool) {
        try await withCheckedThrowingContinuation { continuation in
            let startCommitter = queues.withLock { queues -> Bool in
                if queues[tenant] != nil {
                    queues[tenant]!.append(Waiting(job: job, continuation: continuation))
                    return false
                }
                queues[tenant] = [Waiting(job: job, continuation: continuation)]
                return true
            }
            if startCommitter { Task { await self.drain(tenant: tenant, store: store) } }
        }
    }

    /// Commits the tenant's queue batch after batch until it is empty.
    private func drain(tenant: UUID, store: IntentStore) async {
        while true {
            let batch = queues.withLock { queues -> [Waiting] in
                let waiting = queues[tenant] ?? []
                queues[tenant] = waiting.isEmpty ? nil : []
                return waiting
            }
            guard !batch.isEmpty else { return }
            await commit(batch, tenant: tenant, store: store)
        }
    }

    private func commit(_ batch: [Waiting], tenant: UUID, store: IntentStore) async {
        if batch.count > 1 {
            do {
                let records = try await store.submitTogether(batch.map(\.job), tenant: tenant)
                for (waiting, record) in zip(batch, records) { waiting.continuation.resume(returning: (record, true)) }
                return
            } catch let error as PostgresError where error.isConnectionLost {
                // The session went away, perhaps during COMMIT: the batch may have been written.
                // Submitting each again could file an unkeyed one twice, so each gets the 503.
                for waiting in batch { waiting.continuation.resume(throwing: error) }
                return
            } catch {
                // Rolled back as a whole: each submission now goes alone and gets its own answer.
            }
        }
        for waiting in batch {
            let job = waiting.job
            do {
                waiting.continuation.resume(
                    returning: try await store.submitAlone(
                        job.submission, tenant: tenant, agent: job.agent, key: job.key, input: job.input, policy: job.policy,
                        decided: job.decision))
            } catch {
                waiting.continuation.resume(throwing: error)
            }
        }
    }
}

extension IntentStore {
    /// Several T0/denied submissions of one tenant in one transaction and two round trips; throws
    /// (having rolled back) when any of them cannot be written as part of the batch — an agent
    /// disabled meanwhile, the quota, or an idempotency key already used (the unique index refuses
    /// its insert; alone, it is answered as a replay).
    func submitTogether(_ jobs: [SubmissionGroups.Job], tenant: UUID) async throws -> [IntentRecord] {
        try await database.withTenant(tenant) { tx in
            var statements: [SQL] = []
            var firsts: [Int] = []
            var events: [AuditEvent] = []
            var records: [IntentRecord] = []
            for job in jobs {
                let planned = try await plan(
                    job.submission, hash: job.submission.requestHash, tenant: tenant, agent: job.agent, key: job.key,
                    decision: job.decision,
                    policy: job.policy, in: tx)
                firsts.append(statements.count)
                statements += planned.statements
                events += planned.events
                records.append(planned.record)
            }
            let rows = try await tx.pipeline(statements + [Self.quotaLock(tenant)])
            // An agent disabled meanwhile inserts nothing: the batch goes back to one-by-one.
            guard firsts.allSatisfy({ rows[$0].affectedRows == 1 }) else { throw StoreError.conflict("batch split") }
            let head = try Self.quotaChecked(rows.last!, count: jobs.count)
            try await tx.commit(after: try await audit.statements(appending: events, tenant: tenant, after: head, in: tx).statements)
            return records
        }
    }
}
