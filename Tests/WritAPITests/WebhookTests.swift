import Foundation
import Testing
import WritAPI
import WritCore
import WritCrypto
import WritTestSupport

@Suite("Webhooks: endpoints, signed deliveries, retries, redelivery and SSRF", .timeLimit(.minutes(3)))
struct WebhookTests {
    static func fastRetries(_ configuration: inout WritConfiguration) {
        configuration.webhookAllowPrivate = true
        configuration.webhookRetrySchedule = WebhookRetrySchedule(delays: [0.2, 0.2, 0.2, 0.2])
        configuration.webhookInterval = .milliseconds(50)
    }

    @Test("a receiver failing three times gets the same signed message each time; it is marked delivered once")
    func retriesUntilDelivered() async throws {
        let receiver = WebhookReceiver(failFirst: 3)
        try await WebhookReceiver.serve(receiver) { url in
            try await TestApp.withServer(configure: Self.fastRetries) { api, _ in
                let signup = try await api.signup()
                let created = try await api.call(
                    .post, "/v1/webhooks", as: signup.credential,
                    json: #"{"url":"\#(url)","events":["intent.submitted","approval.requested"]}"#)
                #expect(created.status == .created)
                let made = try created.decoded(WebhookEndpointBody.self)
                let secretText = try #require(made.secret)
                let secret = try #require(WebhookSecret(text: secretText))
                let endpoint = made.id
                let setup = try await api.agentWithKey(as: signup.credential)
                let intent = try await api.call(
                    .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/1"}"#)
                let requests = try await receiver.waitFor(4)
                #expect(requests.count == 4)
                let ids = Set(requests.map { $0.headers["webhook-id"] ?? "" })
                #expect(ids.count == 1)
                for request in requests {
                    let id = request.headers["webhook-id"] ?? ""
                    let timestamp = Int64(request.headers["webhook-timestamp"] ?? "") ?? 0
                    #expect(
                        request.headers["webhook-signature"]
                            == StandardWebhookSignature.sign(
                                id: id, timestamp: timestamp, payload: Array(request.body.utf8), secret: secret))
                    let payload = try JSONParser.parse(request.body)
                    #expect(payload["type"] == "intent.submitted")
                    #expect(try payload["data"]?["intent"]?["id"]?.stringValue == intent.decoded(IntentBody.self).id)
                }
                var items: [WebhookDeliveryBody] = []
                _ = try await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
                    let delivery = try await api.call(.get, "/v1/webhooks/\(endpoint)/deliveries", as: signup.credential)
                    items = try delivery.decoded(PageBody<WebhookDeliveryBody>.self).items
                    return items.first?.status == "delivered"
                }
                #expect(items.count == 1)
                #expect(items.first?.status == "delivered")
                #expect(items.first?.attempts == 4)
                let deliveryID = try #require(items.first?.id)
                let detail = try await api.call(.get, "/v1/webhooks/\(endpoint)/deliveries/\(deliveryID)", as: signup.credential)
                let log = try #require(try detail.decoded(WebhookDeliveryBody.self).attemptLog)
                #expect(log.map(\.statusCode) == [503, 503, 503, 204])
                try await Task.sleep(for: .milliseconds(600))
                #expect(await receiver.received.count == 4)

                // Redelivery sends the same message again, under the same webhook-id.
                let again = try await api.call(
                    .post, "/v1/webhooks/\(endpoint)/deliveries/\(deliveryID)/redeliver", as: signup.credential)
                #expect(again.status == .accepted)
                let after = try await receiver.waitFor(5)
                #expect(after.last?.headers["webhook-id"] == requests.first?.headers["webhook-id"])
            }
        }
    }

    @Test("a rotated secret signs next to the previous one; the secret is never stored readable")
    func rotation() async throws {
        let receiver = WebhookReceiver()
        try await WebhookReceiver.serve(receiver) { url in
            try await TestApp.withServer(configure: Self.fastRetries) { api, database in
                let signup = try await api.signup()
                let created = try await api.call(
                    .post, "/v1/webhooks", as: signup.credential,
                    json: #"{"url":"\#(url)","events":["policy.changed","member.changed"]}"#)
                let made = try created.decoded(WebhookEndpointBody.self)
                let firstText = try #require(made.secret)
                let first = try #require(WebhookSecret(text: firstText))
                let endpoint = made.id
                let rotated = try await api.call(.post, "/v1/webhooks/\(endpoint)/rotate-secret", as: signup.credential)
                #expect(rotated.status == .created)
                let rotation = try rotated.decoded(WebhookEndpointBody.self)
                let secondText = try #require(rotation.secret)
                let second = try #require(WebhookSecret(text: secondText))
                #expect(rotation.previousSecretUntil != nil)
                #expect(
                    try await api.call(.get, "/v1/webhooks/\(endpoint)", as: signup.credential).decoded(WebhookEndpointBody.self).secret
                        == nil)
                _ = try await api.call(
                    .post, "/v1/members", as: signup.credential, json: #"{"email":"new@example.com","roles":["auditor"]}"#)
                let request = try #require(try await receiver.waitFor(1).first)
                let id = request.headers["webhook-id"] ?? ""
                let timestamp = Int64(request.headers["webhook-timestamp"] ?? "") ?? 0
                let body = Array(request.body.utf8)
                #expect(
                    request.headers["webhook-signature"]?.split(separator: " ").map(String.init) == [
                        StandardWebhookSignature.sign(id: id, timestamp: timestamp, payload: body, secret: second),
                        StandardWebhookSignature.sign(id: id, timestamp: timestamp, payload: body, secret: first),
                    ])
                // A Slack endpoint's URL is its credential: shown and stored only redacted.
                let slack = try await api.call(
                    .post, "/v1/webhooks", as: signup.credential,
                    json: """
                        {"url":"https://hooks.slack.example/services/T0/B0/slack-credential-\(UUID().uuidString)","events":["intent.approved"],"kind":"slack"}
                        """)
                #expect(try slack.decoded(WebhookEndpointBody.self).url == "https://hooks.slack.example/…")
                #expect(try slack.decoded(WebhookEndpointBody.self).secret == nil)
                let dump = try SecretsAtRestTests.dump(database)
                #expect(!dump.contains("slack-credential-"))
                for secret in [first, second] {
                    #expect(!dump.contains(secret.text))
                    #expect(!dump.contains(Hex.encode(secret.key)))
                }
            }
        }
    }

    @Test("a free tenant holds at most 5 webhook endpoints, also when 20 are created at once; deleting one frees a place")
    func endpointQuota() async throws {
        try await TestApp.withServer { api, _ in
            let admin = try await api.signup().credential
            let answers = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await api.call(
                            .post, "/v1/webhooks", as: admin,
                            json: #"{"url":"https://example.com/h\#(index)","events":["intent.submitted"]}"#)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = answers.filter { $0.status == .created }
            #expect(created.count == 5, "\(answers.map(\.status.code))")
            let refused = answers.filter { $0.status.code == 402 }
            #expect(
                try refused.count == 15
                    && refused.allSatisfy { try $0.decoded(ProblemBody.self).type.hasSuffix("quota-exceeded:webhook_endpoints") },
                "\(refused.map(\.body))")
            let id = try #require(try created.first?.decoded(WebhookEndpointBody.self).id)
            #expect(try await api.call(.delete, "/v1/webhooks/\(id)", as: admin).status == .noContent)
            #expect(
                try await api.call(
                    .post, "/v1/webhooks", as: admin, json: #"{"url":"https://example.com/again","events":["intent.submitted"]}"#
                )
                .status == .created)
        }
    }

    @Test("destinations: link-local and private literals refused at creation, names refused at delivery; bad input is a 422")
    func destinations() async throws {
        try await TestApp.withServer(configure: { $0.webhookInterval = .milliseconds(50) }) { api, _ in
            let signup = try await api.signup()
            for url in [
                "http://169.254.169.254/latest/meta-data", "http://127.0.0.1:9/hook", "http://[::1]/x", "ftp://example.com/x",
                "http://user:pass@example.com/", "http://192.0.2.2/x", "http://198.51.100.7/x", "http://203.0.113.9/x",
                "http://[fec0::1]/x", "http://[::127.0.0.1]/x", "http://[2002:7f00:1::]/x", "http://[64:ff9b:1::7f00:1]/x",
                "http://2130706433/x", "http://0x7f.1/x", "http://127.1/x", "http://0177.0.0.1/x", "http://0/x",
                "http://[::1%25lo]/x",
            ] {
                let refused = try await api.call(
                    .post, "/v1/webhooks", as: signup.credential, json: #"{"url":"\#(url)","events":["intent.submitted"]}"#)
                #expect(refused.status == .unprocessableContent, "\(url)")
            }
            let unknownEvent = try await api.call(
                .post, "/v1/webhooks", as: signup.credential,
                json: #"{"url":"https://example.com/h","events":["intent.exploded"]}"#)
            #expect(unknownEvent.status == .unprocessableContent)
            // A name is checked on what it resolves to, when the delivery is attempted.
            let named = try await api.call(
                .post, "/v1/webhooks", as: signup.credential,
                json: #"{"url":"http://localhost:9/hook","events":["member.changed"]}"#)
            #expect(named.status == .created)
            let endpoint = try named.decoded(WebhookEndpointBody.self).id
            _ = try await api.call(.post, "/v1/members", as: signup.credential, json: #"{"email":"ssrf@example.com","roles":["auditor"]}"#)
            var error = ""
            _ = try await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
                let list = try await api.call(.get, "/v1/webhooks/\(endpoint)/deliveries", as: signup.credential)
                if let id = try list.decoded(PageBody<WebhookDeliveryBody>.self).items.first?.id {
                    let detail = try await api.call(.get, "/v1/webhooks/\(endpoint)/deliveries/\(id)", as: signup.credential)
                    error = try detail.decoded(WebhookDeliveryBody.self).attemptLog?.first?.error ?? ""
                }
                return !error.isEmpty
            }
            // The tenant learns the destination was refused, never what the name resolved to.
            #expect(error == "localhost: refused destination (no public address)", "\(error)")
        }
    }

    @Test("an endpoint failing past the limit is disabled and the admins are mailed; enabling it sends what waited")
    func disabling() async throws {
        let receiver = WebhookReceiver(failFirst: 1000, with: 500)
        let mail = TestApp.mailDirectory()
        try await WebhookReceiver.serve(receiver) { url in
            try await TestApp.withServer(configure: { configuration in
                Self.fastRetries(&configuration)
                // Attempts keep failing for longer than the endpoint may fail, however slow the machine.
                configuration.webhookRetrySchedule = WebhookRetrySchedule(delays: Array(repeating: 0.3, count: 40))
                configuration.webhookDisableAfter = 1
                configuration.mailDirectory = mail.path
            }) { api, _ in
                let signup = try await api.signup()
                let created = try await api.call(
                    .post, "/v1/webhooks", as: signup.credential,
                    json: #"{"url":"\#(url)","events":["member.changed"],"ordered":true}"#)
                let endpoint = try created.decoded(WebhookEndpointBody.self).id
                _ = try await api.call(
                    .post, "/v1/members", as: signup.credential, json: #"{"email":"one@example.com","roles":["auditor"]}"#)
                var state: WebhookEndpointBody?
                _ = try await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
                    state = try await api.call(.get, "/v1/webhooks/\(endpoint)", as: signup.credential).decoded(WebhookEndpointBody.self)
                    return state?.disabledAt != nil
                }
                let disabled = try #require(state)
                #expect(disabled.disabledAt != nil)
                let mails = try await TestApp.mailFiles(in: mail, count: 1, kind: "webhook-disabled")
                #expect(mails.count == 1)
                #expect(mails.first?.contains(url) == true)
                // Enabled again, with a working receiver, the waiting event goes out.
                let before = await receiver.received.count
                await receiver.succeedFromNow()
                let enabled = try await api.call(.patch, "/v1/webhooks/\(endpoint)", as: signup.credential, json: #"{"disabled":false}"#)
                #expect(try enabled.decoded(JSONValue.self)["disabled_at"] == .null)
                // The waiting delivery goes out by itself (no redelivery: that would race the attempt
                // enabling starts, and rightly be refused while it is in flight).
                let after = try await receiver.waitFor(before + 1)
                #expect(after.count > before)
                let delivered = try await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
                    let list = try await api.call(.get, "/v1/webhooks/\(endpoint)/deliveries", as: signup.credential)
                    return try list.decoded(PageBody<WebhookDeliveryBody>.self).items.first?.status == "delivered"
                }
                #expect(delivered)
            }
        }
    }
}
