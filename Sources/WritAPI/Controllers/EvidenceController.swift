import Foundation
import Hummingbird
import WritCore

/// `GET /v1/audit/evidence`: a signed evidence pack for a period, streamed as a ZIP.
struct EvidenceController {
    let writer: EvidencePackWriter

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/audit/evidence", use: evidence)
    }

    @Sendable func evidence(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tenant = try context.requireAuditReader(for: request).tenantID
        let (since, until) = try Self.period(request)
        let (writer, channel) = (self.writer, context.channel)
        let body = ResponseBody { output in
            try await writer.write(
                tenant: tenant, since: since, until: until,
                checkCancelled: {
                    guard channel.isActive else { throw CancellationError() }
                }, to: { bytes in try await output.write(ByteBuffer(bytes: bytes)) })
            try await output.finish(nil)
        }
        let name = "writ-evidence-\(Self.fileDate(since))-\(Self.fileDate(until)).zip"
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store",
            ], body: body)
    }

    /// `since` and `until`, RFC 3339, `since` before `until`.
    static func period(_ request: Request) throws -> (Date, Date) {
        let query = request.uri.queryParameters
        var errors: [Problem.FieldError] = []
        func time(_ name: String) -> Date? {
            guard let text = query[Substring(name)] else {
                errors.append(.init(path: name, message: "is required"))
                return nil
            }
            guard let date = Timestamp.parse(String(text)) else {
                errors.append(.init(path: name, message: Timestamp.requirement))
                return nil
            }
            return date
        }
        let since = time("since")
        let until = time("until")
        if let since, let until, since >= until { errors.append(.init(path: "until", message: "must be after since")) }
        guard errors.isEmpty, let since, let until else { throw Problem.invalid("The query parameters are invalid.", errors: errors) }
        return (since, until)
    }

    private static func fileDate(_ date: Date) -> String {
        Timestamp.format(date).prefix(19).replacingOccurrences(of: ":", with: "")
    }
}
