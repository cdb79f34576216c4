import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import WritTestSupport

/// A response as the tests look at it.
struct APIResponse {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: String

    /// The body decoded as `type`; throws (failing the test) when it is not one.
    func decoded<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(type, from: Data(body.utf8))
    }

    /// `errors[].path` of a problem; throws when the body is not a problem.
    var errorPaths: [String] {
        get throws { try decoded(ProblemBody.self).errors?.map(\.path) ?? [] }
    }
}

/// A caller with a credential: an API key, or a session cookie with its CSRF token.
struct Credential: Sendable {
    var bearer: String?
    var sessionCookie: String?
    var csrf: String?

    static let anonymous = Credential()
    static func key(_ key: String) -> Credential { Credential(bearer: key) }

    /// The session from a sign-in response.
    static func session(from response: APIResponse) throws -> Credential {
        let setCookie = response.headers[.setCookie] ?? ""
        let value = setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init)
        return Credential(sessionCookie: value, csrf: try response.decoded(CSRFTokenBody.self).csrfToken)
    }
}

/// JSON calls against a test server.
struct APIClient {
    let client: any TestClientProtocol
    /// Where the server writes its mail (invitations are read from there, as a person would).
    var mailDirectory: URL = TestApp.sharedMailDirectory

    init(client: any TestClientProtocol, mailDirectory: URL? = nil) {
        self.client = client
        self.mailDirectory = mailDirectory ?? TestApp.sharedMailDirectory
    }

    /// Waits until this node holds `count` long-polls (its `/metrics`, with `token`, read on a
    /// connection of its own: this client's may be busy with the long-poll); whether it did.
    func longPolls(_ count: Int, token: String = TestApp.metricsToken) async throws -> Bool {
        guard let port = client.port else { return false }
        return try await eventually(every: .milliseconds(20)) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            return text.split(separator: "\n").contains {
                $0 == "writ_long_polls_waiting \(count)" || $0 == "writ_long_polls_waiting \(count).0"
            }
        }
    }

    /// The token of the invitation link mailed to `email` (waits for the mailer, up to 10 s).
    func invitationToken(for email: String) async throws -> String {
        var token: String?
        _ = try await eventually {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: mailDirectory.path))?.filter { $0.hasSuffix(".eml") } ?? []
            for file in files {
                guard let text = try? String(contentsOfFile: mailDirectory.appendingPathComponent(file).path, encoding: .utf8),
                    text.contains("\r\nTo: \(email)\r\n"), text.contains("X-Writ-Kind: member.invitation")
                else { continue }
                token = String(text.components(separatedBy: "/invite#").last?.prefix { !$0.isWhitespace } ?? "")
            }
            return token != nil
        }
        if let token { return token }
        return ""
    }

    /// Invites `email` with `roles` (JSON array text) and accepts the mailed invitation; returns
    /// the invitation response and the acceptance response.
    func inviteAndAccept(
        as admin: Credential, email: String, roles: String, teams: [String] = [], password: String = "member password 123"
    ) async throws -> (invited: APIResponse, accepted: APIResponse, token: String) {
        let teamList = teams.map { "\"\($0)\"" }.joined(separator: ",")
        let invited = try await call(
            .post, "/v1/members", as: admin, json: #"{"email":"\#(email)","roles":\#(roles),"teams":[\#(teamList)]}"#)
        let token = try await invitationToken(for: email)
        let accepted = try await call(.post, "/v1/invitations/accept", json: #"{"token":"\#(token)","password":"\#(password)"}"#)
        return (invited, accepted, token)
    }

    func call(
        _ method: HTTPRequest.Method, _ path: String, as credential: Credential = .anonymous, json: String? = nil,
        csrf: Bool = true, headers extra: HTTPFields = [:]
    ) async throws -> APIResponse {
        var headers = extra
        if let bearer = credential.bearer { headers[.authorization] = "Bearer \(bearer)" }
        if let cookie = credential.sessionCookie { headers[.cookie] = "writ_session=\(cookie)" }
        if csrf, let token = credential.csrf { headers[HTTPField.Name("X-CSRF-Token")!] = token }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        // An empty type is a test asking to send none at all.
        if headers[.contentType] == "" { headers[.contentType] = nil }
        return try await client.execute(
            uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }
        ) { response in
            APIResponse(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    /// Signs up a new organisation and returns its session credential and ids.
    func signup(email: String = "admin-\(UUID().uuidString.prefix(8))@example.com", password: String = "correct horse battery")
        async throws -> (credential: Credential, tenant: String, user: String, response: APIResponse)
    {
        let response = try await call(
            .post, "/v1/signup",
            json: """
                {"organization": "Acme \(UUID().uuidString.prefix(4))", "email": "\(email)", "password": "\(password)"}
                """)
        let session = try response.decoded(SessionBody.self)
        return (try Credential.session(from: response), session.tenant.id, session.user.id, response)
    }

    /// Creates a team, an agent in it and a key for the agent; returns their ids and the key.
    func agentWithKey(as admin: Credential, scopes: String = #"["intents"]"#) async throws -> (
        team: String, agent: String, keyID: String, key: String
    ) {
        let team = try await call(.post, "/v1/teams", as: admin, json: #"{"name": "Team \#(UUID().uuidString.prefix(6))"}"#)
        let teamID = try team.decoded(TeamBody.self).id
        let agent = try await call(.post, "/v1/agents", as: admin, json: #"{"name": "deployer", "team_id": "\#(teamID)"}"#)
        let agentID = try agent.decoded(AgentBody.self).id
        let key = try await call(
            .post, "/v1/api-keys", as: admin,
            json: """
                {"name": "ci", "agent_id": "\(agentID)", "scopes": \(scopes)}
                """)
        let created = try key.decoded(CreatedKeyBody.self)
        return (teamID, agentID, created.id, created.key)
    }
}
