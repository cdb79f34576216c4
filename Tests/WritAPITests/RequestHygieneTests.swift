import Foundation
import HTTPTypes
import Testing
import WritTestSupport

/// Security review II, finding 10: bodies without a JSON media type, and text that renders as
/// something other than what was sent.
@Suite("Request bodies: media type and readable text", .timeLimit(.minutes(2)))
struct RequestHygieneTests {
    @Test("a body without Content-Type, or with another type, is 415 and files nothing; an empty body needs none")
    func mediaType() async throws {
        try await TestApp.withServer { api, _ in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let body = #"{"action":"s3.read","resource":"b/1"}"#
            for type in [nil, "text/plain", "application/jsonx", "application/x-www-form-urlencoded"] as [String?] {
                var headers: HTTPFields = [:]
                // APIClient adds application/json to a JSON body; an empty type stands for none at all.
                headers[.contentType] = type ?? ""
                let answer = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: body, headers: headers)
                #expect(answer.status == .unsupportedMediaType, "\(type ?? "none"): \(answer.status)")
            }
            let listed = try await api.call(.get, "/v1/intents", as: signup.credential).decoded(PageBody<IntentBody>.self).items
            #expect(listed.isEmpty)
            let charset = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: body,
                headers: [.contentType: "application/json; charset=utf-8"])
            #expect(charset.status == .created)
            // Logging out sends no body and needs no type.
            #expect(try await api.call(.delete, "/v1/sessions/current", as: signup.credential).status.code < 300)
        }
    }

    @Test(
        "bidi overrides, zero-width characters and line separators are refused in justifications and comments",
        arguments: ["\u{202E}gnirts", "pay\u{200B}ment", "line\u{2028}break", "para\u{2029}graph", "\u{2066}isolate\u{2069}"])
    func readableText(_ text: String) async throws {
        try await TestApp.withServer { api, _ in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let escaped = text.unicodeScalars.map { $0.isASCII ? String($0) : String(format: "\\u%04X", $0.value) }.joined()
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key),
                json: #"{"action":"crm.update","resource":"c/1","justification":"\#(escaped)"}"#)
            #expect(try intent.status == .unprocessableContent && intent.errorPaths == ["/justification"], "\(intent.body)")
            let pending = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.update","resource":"c/2"}"#)
            let id = try pending.decoded(IntentBody.self).id
            let decision = try await api.call(
                .post, "/v1/intents/\(id)/decisions", as: signup.credential,
                json: #"{"decision":"reject","comment":"\#(escaped)"}"#)
            #expect(try decision.status == .unprocessableContent && decision.errorPaths == ["/comment"], "\(decision.body)")
        }
    }
}
