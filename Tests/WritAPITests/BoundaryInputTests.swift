import Foundation
import HTTPTypes
import Testing
import WritTestSupport

/// Security review II, findings 1 and 7: integers and times from a request at and past their
/// limits, on every parameter the OpenAPI document lists (streaming routes included). None may
/// trap (a trap takes down every tenant's server) or answer 500; out of range is a 422.
@Suite("Boundary integers and times on every parameter", .timeLimit(.minutes(3)))
struct BoundaryInputTests {
    static let integers = [
        "0", "-1", "9223372036854775807", "9223372036854775806", "9223372036854775808",
        "18446744073709551616", String(repeating: "9", count: 400), "1e3", " 5", "",
    ]
    static let times = [
        "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
        "10000-01-01T00:00:00Z", "+275760-09-13T00:00:00Z", "2026-02-30T00:00:00Z",
    ]
    static let outOfRangeTimes: Set = ["0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "10000-01-01T00:00:00Z", "+275760-09-13T00:00:00Z"]

    @Test("every integer and time query parameter of every GET operation, at its limits and beyond")
    func queryParameters() async throws {
        try await TestApp.withServer { api, _ in
            let signup = try await api.signup()
            let admin = signup.credential
            let setup = try await api.agentWithKey(as: admin)
            let intent = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.read","resource":"b/1"}"#)
            let intentID = try intent.decoded(IntentBody.self).id
            let paths = try await api.call(.get, "/openapi.json").decoded(OpenAPIDocumentBody.self).paths
            var probed = 0
            for (template, item) in paths.sorted(by: { $0.key < $1.key }) {
                guard let get = item["get"], get.objectValue != nil, template != "/v1/events" else { continue }
                let path = template.replacingOccurrences(of: "{id}", with: intentID)
                    .replacingOccurrences(of: "{tenant_id}", with: signup.tenant).replacingOccurrences(of: "{version}", with: "1")
                for parameter in get["parameters"]?.arrayValue ?? [] where parameter["in"]?.stringValue == "query" {
                    let name = try #require(parameter["name"]?.stringValue)
                    let isInteger = parameter["schema"]?["type"]?.stringValue == "integer"
                    let isTime = ["since", "until"].contains(name)
                    guard isInteger || isTime else { continue }
                    for value in isInteger ? Self.integers : Self.times {
                        let query = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
                        let credential: Credential = path.hasPrefix("/api/v1") ? .key(setup.key) : admin
                        let answer = try await api.call(.get, "\(path)?\(name)=\(query)", as: credential)
                        probed += 1
                        #expect(answer.status.code < 500, "GET \(path)?\(name)=\(value) → \(answer.status.code) \(answer.body.prefix(300))")
                        if isTime && Self.outOfRangeTimes.contains(value) {
                            #expect(
                                answer.status == .unprocessableContent || answer.status == .notFound || answer.status == .forbidden,
                                "GET \(path)?\(name)=\(value) → \(answer.status.code)")
                        }
                    }
                }
            }
            #expect(probed > 100, "only \(probed) probes: the document lists fewer parameters than expected")
            #expect(try await api.call(.get, "/healthz").status == .ok)
        }
    }

    @Test(
        "the event stream's resume position at and past Int64.max is refused, not a crash",
        arguments: [
            (Int64?.none, "?after=9223372036854775807"), (Int64?.none, "?after=9223372036854775400"),
            (Int64?.none, "?after=9223372036854775808"),
            (Int64?.none, "?after=-1"), (Int64?.none, "?after=99999999999999999999999999"), (Int64.max, ""), (Int64.max - 1, ""),
            (Int64.max - 499, ""),
        ])
    func eventStreamPosition(_ lastEventID: Int64?, _ query: String) async throws {
        try await TestApp.withServer { api, _ in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let stream = try await EventStreamClient(
                port: try #require(api.client.port), bearer: setup.key, lastEventID: lastEventID, query: query)
            stream.close()
            #expect(stream.status == 422, "\(query) \(String(describing: lastEventID)) → \(stream.status)")
            #expect(try await api.call(.get, "/healthz").status == .ok)
        }
    }

    @Test("times outside 1970–9999 in request bodies are refused at parsing")
    func bodyTimes() async throws {
        try await TestApp.withServer { api, _ in
            let admin = try await api.signup().credential
            let setup = try await api.agentWithKey(as: admin)
            for time in ["0001-01-01T00:00:00Z", "10000-01-01T00:00:00Z"] {
                let key = try await api.call(
                    .post, "/v1/api-keys", as: admin, json: #"{"name":"k","scopes":["admin"],"expires_at":"\#(time)"}"#)
                #expect(try key.status == .unprocessableContent && key.errorPaths == ["/expires_at"], "\(key.body)")
                let backtest = try await api.call(
                    .post, "/v1/policies/backtest", as: admin,
                    json: #"{"team_id":"\#(setup.team)","policy":{"rules":[]},"since":"\#(time)"}"#)
                #expect(backtest.status == .unprocessableContent, "\(backtest.body)")
            }
        }
    }
}
