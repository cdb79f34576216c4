import Foundation
import HTTPTypes
import Hummingbird
import WritCore
import WritCrypto
import WritStore

/// The audit log: browse, export (NDJSON, streamed), checkpoints, server-side verification.
/// Purged events (past the plan's retention) are skipped: reading starts at the first retained one.
struct AuditController {
    let reader: AuditReader
    let signingKeys: SigningKeys
    let database: Database
    /// The bounded CPU lane that hashes the chain for server-side verification.
    let work: CPUWork

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/audit", use: browse)
        router.get("/v1/audit/export", use: export)
        router.get("/v1/audit/checkpoints", use: checkpoints)
        router.get("/v1/audit/verify", use: verify)
    }

    @Sendable func browse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tenant = try context.requireAuditReader(for: request).tenantID
        let query = request.uri.queryParameters
        var errors: [Problem.FieldError] = []
        func time(_ name: String) -> Date? {
            guard let text = query[Substring(name)] else { return nil }
            guard let date = Timestamp.parse(String(text)) else {
                errors.append(.init(path: name, message: Timestamp.requirement))
                return nil
            }
            return date
        }
        let filter = AuditFilter(
            type: query["type"].map(String.init), actorID: query["actor"].map(String.init),
            subjectID: query["subject"].map(String.init), since: time("since"), until: time("until"))
        let limit = try RouteInput.longListLimit(request)
        let after = try RouteInput.numericCursor(request) ?? 0
        guard errors.isEmpty else { throw Problem.invalid("The query parameters are invalid.", errors: errors) }
        let rows = try await reader.events(tenant: tenant, filter: filter, afterSeq: after, limit: limit + 1)
        let items = try rows.prefix(limit).map { try JSONParser.parse($0.line) }
        let next = rows.count > limit ? rows[limit - 1].seq : nil
        return JSONBody.response(["items": .array(items), "next_cursor": next.map { .string(RouteInput.cursor(for: $0)) } ?? .null])
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tenant = try context.requireAuditReader(for: request).tenantID
        let start = try await reader.start(tenant: tenant, fromSeq: try Self.fromSeq(request))
        let (reader, end) = (self.reader, start.headSeq)
        let body = ResponseBody { writer in
            // Batches keep memory flat however long the chain; the end is fixed when the export starts.
            var after = start.fromSeq - 1
            while after < end {
                // A purge overtaking the export cuts it off rather than leave a hole in it.
                let batch = try await reader.walk(tenant: tenant, afterSeq: after, limit: 1000)
                guard let last = batch.last else { break }
                var buffer = ByteBuffer()
                for (seq, line) in batch where seq <= end {
                    buffer.writeBytes(line)
                    buffer.writeInteger(UInt8(ascii: "\n"))
                }
                try await writer.write(buffer)
                after = last.seq
            }
            try await writer.finish(nil)
        }
        var headers: HTTPFields = [.contentType: "application/x-ndjson", .auditFromSeq: String(start.fromSeq)]
        if let previous = start.previousHash { headers[.auditPreviousHash] = previous }
        if start.purgedBefore > 1 { headers[.auditPurgedBefore] = String(start.purgedBefore) }
        return Response(status: .ok, headers: headers, body: body)
    }

    @Sendable func checkpoints(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tenant = try context.requireAuditReader(for: request).tenantID
        let limit = try RouteInput.longListLimit(request)
        let stored = try await reader.checkpoints(tenant: tenant, afterSeq: try RouteInput.numericCursor(request) ?? 0, limit: limit + 1)
        let items: [JSONValue] = stored.prefix(limit).map {
            ["seq": .number(Double($0.seq)), "hash": .string($0.hash), "iat": .number(Double($0.iat)), "jws": .string($0.jws)]
        }
        let next = stored.count > limit ? stored[limit - 1].seq : nil
        return JSONBody.response(["items": .array(items), "next_cursor": next.map { .string(RouteInput.cursor(for: $0)) } ?? .null])
    }

    /// Verifies the whole chain as stored, streamed: a space goes out after each batch of 1,000
    /// events (so neither the request time limit nor the idle timeout cuts a long chain short), then
    /// the result object. Hashing runs on the bounded CPU lane; a client that hung up stops it.
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tenant = try context.requireAuditReader(for: request).tenantID
        let keys = try await signingKeys.publicKeys(tenant: tenant, database: database, grace: nil)
        let initial = try await reader.start(tenant: tenant)
        let (reader, work, channel, end) = (self.reader, self.work, context.channel, initial.headSeq)
        let keyring = Dictionary(keys.map { ($0.kid, $0.key) }, uniquingKeysWith: { first, _ in first })
        let body = ResponseBody { writer in
            var start = initial
            // A purged chain is verified from its first retained event, linked to the hash kept before it.
            var verifier = AuditVerifier(keys: keyring, fromSeq: start.fromSeq, previousHash: start.previousHash)
            var after = start.fromSeq - 1
            var outcome: JSONValue
            do {
                while after < end {
                    let batch: [(seq: Int64, line: [UInt8])]
                    do { batch = try await reader.walk(tenant: tenant, afterSeq: after, limit: 1000) } catch is AuditReader.OvertakenByPurge
                    {
                        // A purge overtook the walk: start again at the new first retained event.
                        start = try await reader.start(tenant: tenant)
                        verifier = AuditVerifier(keys: keyring, fromSeq: start.fromSeq, previousHash: start.previousHash)
                        after = start.fromSeq - 1
                        continue
                    }
                    guard let last = batch.last else { break }
                    guard channel.isActive else { throw CancellationError() }
                    verifier = try await work.run { [verifier] in
                        var verifier = verifier
                        for (seq, line) in batch where seq <= end { try verifier.check(line: line) }
                        return verifier
                    }
                    after = last.seq
                    try await writer.write(ByteBuffer(string: " "))
                }
                outcome =
                    verifier.lastSeq == end || (verifier.checked == 0 && end < start.fromSeq)
                    ? Self.result(true, verifier)
                    : Self.result(
                        false, verifier, badSeq: max(verifier.lastSeq, start.fromSeq - 1) + 1, reason: "events missing before the head")
            } catch let failure as AuditVerifier.Failure {
                outcome = Self.result(false, verifier, badSeq: failure.seq ?? verifier.lastSeq + 1, reason: failure.reason)
            }
            if let unproven = start.unprovenBoundary {
                // Someone moved the boundary behind Writ's back: the chain is read whole, and is not valid.
                outcome = Self.result(
                    false, verifier, badSeq: unproven - 1,
                    reason: "the purge boundary (seq \(unproven)) is not recorded by an audit.purged event over events past retention")
            }
            if start.purgedBefore > 1, case .object(var members) = outcome {
                members["purged_before"] = .number(Double(start.purgedBefore))
                outcome = .object(members)
            }
            try await writer.write(ByteBuffer(bytes: CanonicalJSON.bytes(outcome)))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    private static func result(_ valid: Bool, _ verifier: AuditVerifier, badSeq: Int64? = nil, reason: String? = nil) -> JSONValue {
        var value: [String: JSONValue] = [
            "valid": .bool(valid), "checked": .number(Double(verifier.checked)), "checkpoints": .number(Double(verifier.checkpoints)),
        ]
        if let badSeq { value["first_bad_seq"] = .number(Double(badSeq)) }
        if let reason { value["reason"] = .string(reason) }
        return .object(value)
    }

    static func fromSeq(_ request: Request) throws -> Int64 {
        guard let text = request.uri.queryParameters["from_seq"] else { return 1 }
        guard let seq = Int64(String(text)), seq >= 1 else {
            throw Problem.invalid(
                "The query parameters are invalid.", errors: [.init(path: "from_seq", message: "must be a whole number ≥ 1")])
        }
        return seq
    }
}

extension HTTPField.Name {
    /// The first seq of an export: `from_seq`, or the purge boundary when later.
    static let auditFromSeq = Self("Writ-Audit-From-Seq")!
    /// The hash the export's first event links to (the `--previous-hash` of `writ audit verify`).
    static let auditPreviousHash = Self("Writ-Audit-Previous-Hash")!
    /// The first retained seq, when events before it were purged.
    static let auditPurgedBefore = Self("Writ-Audit-Purged-Before")!
}

extension AppRequestContext {
    /// Admins, auditors and admin-scoped keys may read the audit log.
    func requireAuditReader(for request: Request) throws -> Principal {
        let principal = try requirePrincipal(for: request)
        switch principal {
        case .user(let user) where user.roles.contains(.admin) || user.roles.contains(.auditor): return principal
        case .apiKey(let key) where key.scopes.contains(.admin): return principal
        default: throw Problem.forbidden("Only admins and auditors may read the audit log.")
        }
    }
}
