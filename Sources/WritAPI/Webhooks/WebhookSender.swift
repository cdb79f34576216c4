import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WritCore
import WritStore

/// Sends one claimed delivery: resolves and checks the destination, pins the connection to the
/// address checked, signs (Standard Webhooks) and posts with connect and total time limits and
/// no redirects. Never throws: every way an attempt can go is an outcome to record.
struct WebhookSender: Sendable {
    let resolver: WebhookResolver
    static let connectTimeout: TimeAmount = .seconds(5)
    static let totalTimeout: TimeAmount = .seconds(15)
    /// How much of an answer's body the delivery log keeps.
    static let excerptBytes = 1024

    func send(_ delivery: ClaimedWebhookDelivery) async -> WebhookAttemptOutcome {
        let started = Date()
        func outcome(_ status: Int?, error: String?, excerpt: String? = nil) -> WebhookAttemptOutcome {
            WebhookAttemptOutcome(
                startedAt: started, durationMilliseconds: Int(Date().timeIntervalSince(started) * 1000), statusCode: status,
                error: error, responseExcerpt: excerpt)
        }
        guard let url = URL(string: delivery.url), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host,
            !host.isEmpty
        else { return outcome(nil, error: "the URL is not an http(s) URL") }
        let address: String
        do {
            address = try await resolver.address(for: host, port: url.port ?? (scheme == "https" ? 443 : 80))
        } catch {
            return outcome(nil, error: "\(error)")
        }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: Self.connectTimeout, read: Self.totalTimeout))
        configuration.dnsOverride = [host: address]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let result = await exchange(delivery, client: client)
        try? await client.shutdown()
        switch result {
        case .success(let (status, excerpt)):
            return outcome(status, error: (200...299).contains(status) ? nil : "the receiver answered \(status)", excerpt: excerpt)
        case .failure(let error):
            return outcome(nil, error: "\(error)")
        }
    }

    /// The request and the answer's status and first bytes.
    private func exchange(_ delivery: ClaimedWebhookDelivery, client: HTTPClient) async -> Result<(Int, String?), any Error> {
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Writ-Webhooks/1")
        if delivery.kind == .standard {
            let timestamp = Int64(Date().timeIntervalSince1970)
            request.headers.add(name: "webhook-id", value: delivery.messageID)
            request.headers.add(name: "webhook-timestamp", value: String(timestamp))
            request.headers.add(
                name: "webhook-signature",
                value: StandardWebhookSignature.header(
                    id: delivery.messageID, timestamp: timestamp, payload: delivery.payload, secrets: delivery.secrets))
        }
        request.body = .bytes(ByteBuffer(bytes: delivery.payload))
        do {
            let response = try await client.execute(request, timeout: Self.totalTimeout)
            var excerpt: [UInt8] = []
            for try await chunk in response.body {
                excerpt += chunk.readableBytesView.prefix(Self.excerptBytes - excerpt.count)
                if excerpt.count >= Self.excerptBytes { break }
            }
            let text = String(decoding: excerpt, as: UTF8.self)
            return .success((Int(response.status.code), text.isEmpty ? nil : text))
        } catch {
            return .failure(error)
        }
    }
}
