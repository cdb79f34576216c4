import Foundation
import HTTPTypes
import Testing
import WritCore
import WritCrypto
import WritTestSupport

@Suite("Signed requests and the Vienna OS routes' problems", .timeLimit(.minutes(3)))
struct RequestSigningTests {
    static func signature(_ body: String, secret: String) -> String {
        "hmac-sha256:" + Hex.encode(HMACSHA256.authenticate(Array(body.utf8), key: Array(secret.utf8)))
    }

    /// A new organisation, an agent with its first key, and a second key of the agent with its signing secret.
    static func signedKey(_ api: APIClient) async throws
        -> (
            signup: (credential: Credential, tenant: String, user: String, response: APIResponse),
            setup: (team: String, agent: String, keyID: String, key: String), key: Credential, secret: String
        )
    {
        let signup = try await api.signup()
        let setup = try await api.agentWithKey(as: signup.credential)
        let created = try await api.call(
            .post, "/v1/api-keys", as: signup.credential,
            json: #"{"name":"signed","agent_id":"\#(setup.agent)","scopes":["intents"]}"#)
        let key = try created.decoded(CreatedKeyBody.self)
        return (signup, setup, Credential.key(key.key), key.signingSecret)
    }

    @Test("a signature over a timestamp and the body is accepted once, within five minutes; a replay, a stale or an unsigned time is 401")
    func timestampedSignatures() async throws {
        try await TestApp.withServer { api, _ in
            let (_, setup, key, secret) = try await Self.signedKey(api)
            func send(_ body: String, timestamp: String?, signedAs signedTime: String?) async throws -> APIResponse {
                var headers: HTTPFields = [:]
                if let timestamp { headers[HTTPField.Name("X-Vienna-Timestamp")!] = timestamp }
                let signed = signedTime.map { "\($0).\(body)" } ?? body
                headers[HTTPField.Name("X-Vienna-Signature")!] = Self.signature(signed, secret: secret)
                return try await api.call(.post, "/api/v1/intents", as: key, json: body, headers: headers)
            }
            let now = Int(Date().timeIntervalSince1970)
            let body = #"{"agent_id":"\#(setup.agent)","action":"s3.objects.read","params":{"resource":"b/t"}}"#
            let first = try await send(body, timestamp: String(now), signedAs: String(now))
            #expect(first.status == .created, "\(first.body)")
            // The identical request again (captured and replayed): refused, though the bytes verify.
            let replay = try await send(body, timestamp: String(now), signedAs: String(now))
            #expect(
                try replay.status == .unauthorized && replay.decoded(ProblemBody.self).detail.contains("already received"), "\(replay.body)"
            )
            for (name, timestamp, signedAs) in [
                ("stale", String(now - 330), String(now - 330)), ("early", String(now + 330), String(now + 330)),
                ("the body alone signed", String(now + 1), nil), ("another time signed", String(now + 2), String(now + 3)),
                ("not a number", "soon", "soon"), ("huge", "99999999999999999999", "99999999999999999999"),
            ] as [(String, String, String?)] {
                let answer = try await send(body, timestamp: timestamp, signedAs: signedAs)
                #expect(answer.status == .unauthorized, "\(name): \(answer.status) \(answer.body)")
            }
            let unsigned = try await api.call(
                .post, "/api/v1/intents", as: key, json: body,
                headers: [HTTPField.Name("X-Vienna-Timestamp")!: String(now)])
            #expect(unsigned.status == .unauthorized)
            // A new timestamp is a new request (idempotency still makes it the same intent).
            let fresh = try await send(body, timestamp: String(now + 1), signedAs: String(now + 1))
            #expect(fresh.status.code < 300, "\(fresh.body)")
        }
    }

    @Test(
        "a body signed with the key's secret is filed; another secret or other bytes file nothing; problems on /api/v1 carry error and code"
    )
    func signatures() async throws {
        try await TestApp.withServer { api, _ in
            let (signup, setup, key, secret) = try await Self.signedKey(api)
            #expect(secret.hasPrefix("wsk_") && secret.count > 40)
            let listed = try await api.call(.get, "/v1/api-keys", as: signup.credential)
            #expect(!listed.body.contains(secret), "the secret is shown again after creation")

            let body =
                #"{"agent_id":"\#(setup.agent)","action":"s3.objects.read","params":{"resource":"b/1"},"timestamp":"2026-12-02T10:00:00Z"}"#
            let spaced = body.replacingOccurrences(of: ",", with: ", ")
            let refusals: [(String, String, Credential)] = [
                ("another secret", Self.signature(body, secret: "wsk_" + String(repeating: "A", count: 43)), key),
                ("other bytes, the same JSON", Self.signature(spaced, secret: secret), key),
                ("not hex", "hmac-sha256:zz", key),
                ("another scheme", "sha256:" + Self.signature(body, secret: secret).dropFirst(12), key),
            ]
            for (name, signature, credential) in refusals {
                let response = try await api.call(
                    .post, "/api/v1/intents", as: credential, json: body,
                    headers: [HTTPField.Name("X-Vienna-Signature")!: signature])
                #expect(response.status == .unauthorized, "\(name): \(response.status)")
                let problem = try response.decoded(ProblemBody.self)
                #expect(problem.code == "INVALID_SIGNATURE" && problem.error == problem.detail)
            }
            let filed = try await api.call(.get, "/v1/intents", as: signup.credential).decoded(PageBody<IntentBody>.self).items
            #expect(filed.isEmpty, "a refused signature filed an intent")

            let signed = try await api.call(
                .post, "/api/v1/intents", as: key, json: body,
                headers: [HTTPField.Name("X-Vienna-Signature")!: Self.signature(body, secret: secret)])
            #expect(try signed.status == .created && signed.decoded(ViennaIntentBody.self).status == "approved")
            // The same bytes again (a retry) are the same intent.
            let again = try await api.call(
                .post, "/api/v1/intents", as: key, json: body,
                headers: [HTTPField.Name("X-Vienna-Signature")!: Self.signature(body, secret: secret)])
            #expect(
                try again.status == .ok && again.decoded(ViennaIntentBody.self).intentID == signed.decoded(ViennaIntentBody.self).intentID)
            // The first key was made with a secret too, but signing with it under this key fails.
            let other = try await api.call(
                .post, "/api/v1/intents", as: .key(setup.key), json: body,
                headers: [HTTPField.Name("X-Vienna-Signature")!: Self.signature(body, secret: secret)])
            #expect(other.status == .unauthorized)
            let items = try await api.call(.get, "/v1/intents", as: signup.credential).decoded(PageBody<IntentBody>.self).items
            #expect(items.count == 1)
            try await Self.checkProblems(api, signup: signup.credential, setup: setup)
        }
    }

    /// Problems on /api/v1 carry `error` and `code`; agents cannot speak for others; `/v1` problems are unchanged.
    static func checkProblems(_ api: APIClient, signup: Credential, setup: (team: String, agent: String, keyID: String, key: String))
        async throws
    {
        let invalid = try await api.call(
            .post, "/api/v1/intents", as: .key(setup.key), json: #"{"agent_id":"\#(setup.agent)","action":"a b"}"#)
        #expect(try invalid.status == .unprocessableContent && invalid.decoded(ProblemBody.self).code == "INVALID_REQUEST")
        let other = try await api.call(
            .post, "/api/v1/agent/intent", as: .key(setup.key), json: #"{"agent_id":"python-sdk","action":"s3.read"}"#)
        #expect(try other.status == .forbidden && other.decoded(ProblemBody.self).code == "FORBIDDEN")
        let header = try await api.call(
            .get, "/api/v1/policies", as: .key(setup.key), headers: [HTTPField.Name("X-Vienna-Agent")!: "intruder"])
        #expect(header.status == .forbidden)
        let byName = try await api.call(
            .get, "/api/v1/policies", as: .key(setup.key), headers: [HTTPField.Name("X-Vienna-Agent")!: "deployer"])
        #expect(byName.status == .ok)
        let unknown = try await api.call(.get, "/api/v1/no-such-route", as: .key(setup.key))
        #expect(try unknown.status == .notFound && unknown.decoded(ProblemBody.self).code == "NOT_FOUND")
        let writ = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"a b","resource":"r"}"#)
        #expect(
            try writ.status == .unprocessableContent && writ.decoded(ProblemBody.self).code == nil
                && writ.decoded(ProblemBody.self).error == nil)
        // A session token as bearer is a person on /api/v1 only.
        let session = try #require(signup.sessionCookie)
        #expect(try await api.call(.get, "/api/v1/agents", headers: [.authorization: "Bearer \(session)"]).status == .ok)
        #expect(try await api.call(.get, "/v1/agents", headers: [.authorization: "Bearer \(session)"]).status == .unauthorized)
        #expect(
            try await api.call(.get, "/api/v1/agents", headers: [.authorization: "Bearer wss_unknown-session-token-000000"]).status
                == .unauthorized)
    }
}
