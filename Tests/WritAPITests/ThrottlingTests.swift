import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import Testing
import WritTestSupport

@testable import WritAPI

@Suite("Throttling holds under concurrency and cannot lock a victim out", .timeLimit(.minutes(3)))
struct ThrottlingTests {
    /// Headers naming the client, as a trusted proxy would.
    static func from(_ address: String) -> HTTPFields {
        [HTTPField.Name("X-Forwarded-For")!: "10.9.9.9, \(address)"]
    }

    static func login(_ email: String, _ password: String) -> String {
        #"{"email":"\#(email)","password":"\#(password)"}"#
    }

    @Test("one client is one throttle subject however the proxy spells it: with a port, in any case or padding, anywhere in its IPv6 /64")
    func clientSpellings() async throws {
        try await TestApp.withServer(configure: { $0.trustProxy = true }) { api, _ in
            let spellings = [
                "198.51.100.90:1000", "198.51.100.90:2000", "198.51.100.90", "[2001:db8:1:2::1]:443", "2001:DB8:1:2::2",
                "2001:0db8:0001:0002:0000:0000:0000:0003", "2001:db8:1:2:ffff::9", "2001:db8:1:2::a", "2001:db8:1:2::b",
                "2001:db8:1:2::c", "2001:db8:1:2::d",
            ]
            var v4: [Int] = []
            var v6: [Int] = []
            for (index, spelling) in spellings.enumerated() {
                let status = Int(
                    try await api.call(
                        .post, "/v1/approval-links/view", json: #"{"token":"guess-\#(index)"}"#,
                        headers: Self.from(spelling)
                    ).status.code)
                if spelling.contains(".") { v4.append(status) } else { v6.append(status) }
            }
            // Ten misses are free per subject: the IPv4 one made 3, the /64 made 8 — then 3 more each.
            for index in 0..<3 {
                v6.append(
                    Int(
                        try await api.call(
                            .post, "/v1/approval-links/view", json: #"{"token":"more-\#(index)"}"#,
                            headers: Self.from("2001:db8:1:2::\(100 + index)")
                        ).status.code))
            }
            #expect(v4 == [404, 404, 404], "\(v4)")
            #expect(v6.prefix(10).allSatisfy { $0 == 404 } && v6.last == 429, "\(v6)")
        }
        #expect(ClientAddress.key("[2001:DB8::1]:443") == "2001:db8:0:0::/64")
        #expect(ClientAddress.key("::ffff:198.51.100.7") == "198.51.100.7")
        #expect(ClientAddress.key("198.51.100.7:8080") == "198.51.100.7")
        #expect(ClientAddress.key("fe80::1%eth0") == nil && ClientAddress.key("not an address") == nil)
    }

    @Test("approval-link tokens guessed from one address are throttled after ten misses; another address is not")
    func boardLinkGuesses() async throws {
        try await TestApp.withServer(configure: { $0.trustProxy = true }) { api, _ in
            var statuses: [Int] = []
            // Ten misses are free; past them each miss locks the address out for 2 s, doubling. A
            // call slower than the lock-out (a loaded machine) finds it over and counts one more
            // miss, so the fourth at the latest meets a lock-out longer than any call here.
            for index in 0..<14 {
                let token = "guess-\(index)-\(UUID().uuidString)"
                let path = index.isMultiple(of: 2) ? "/v1/approval-links/view" : "/v1/approval-links/decide"
                let body = index.isMultiple(of: 2) ? #"{"token":"\#(token)"}"# : #"{"token":"\#(token)","decision":"approve"}"#
                statuses.append(Int(try await api.call(.post, path, json: body, headers: Self.from("198.51.100.77")).status.code))
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == 404 } && statuses.suffix(4).contains(429), "\(statuses)")
            #expect(statuses.suffix(4).allSatisfy { $0 == 404 || $0 == 429 }, "\(statuses)")
            let elsewhere = try await api.call(
                .post, "/v1/approval-links/view", json: #"{"token":"another-guess"}"#, headers: Self.from("198.51.100.78"))
            #expect(elsewhere.status == .notFound)
        }
    }

    @Test("sixty concurrent guesses meet the count one at a time: only the free few are checked")
    func concurrentGuesses() async throws {
        try await TestApp.withServer(configure: { $0.trustProxy = true }) { api, _ in
            let email = "victim-\(UUID().uuidString.prefix(6))@example.com"
            _ = try await api.signup(email: email, password: "the right password")
            let started = ContinuousClock.now
            let port = try #require(api.client.port)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<60 {
                    group.addTask {
                        let password = index == 30 ? "the right password" : "wrong password \(index)"
                        // Not the test client: its 20 s read timeout is shorter than a burst's wait for its
                        // turn under the whole suite on two cores.
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/sessions")
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "X-Forwarded-For", value: "10.9.9.9, 203.0.113.7")
                        request.body = .bytes(ByteBuffer(string: Self.login(email, password)))
                        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(120)).status.code)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Three go at once; after that one more each time a delay (2 s, 4 s, 8 s …) has passed,
            // so a slow machine that spreads the burst over several seconds lets a few more through.
            let elapsed = Double((ContinuousClock.now - started).components.seconds) + 1
            let allowed = ThrottleRuleLimits.loginPairFree + Int(log2(elapsed)) + 1
            let checked = statuses.filter { $0 == 401 || $0 == 201 }.count
            #expect(checked <= allowed, "\(checked) guesses were checked in \(elapsed) s: \(statuses)")
            #expect(checked < 10)
            #expect(statuses.allSatisfy { [201, 401, 429, 503].contains($0) })
        }
    }

    @Test("a stranger's wrong passwords slow the stranger, not the real user from elsewhere")
    func noLockOut() async throws {
        try await TestApp.withServer(configure: { $0.trustProxy = true }) { api, _ in
            let email = "target-\(UUID().uuidString.prefix(6))@example.com"
            _ = try await api.signup(email: email, password: "the right password")
            for index in 0..<ThrottleRuleLimits.loginPairFree {
                let wrong = try await api.call(
                    .post, "/v1/sessions", json: Self.login(email, "guess \(index) wrong"), headers: Self.from("198.51.100.66"))
                #expect(wrong.status == .unauthorized)
            }
            // The third failure earned the stranger a wait of 2 s from the moment it failed.
            let failedAt = ContinuousClock.now
            let attacker = try await api.call(
                .post, "/v1/sessions", json: Self.login(email, "the right password"), headers: Self.from("198.51.100.66"))
            if ContinuousClock.now - failedAt < .seconds(2) {
                #expect(attacker.status == .tooManyRequests)
                #expect(Int(attacker.headers[.retryAfter] ?? "") ?? 0 >= 1)
            }
            for index in 0..<5 {
                _ = try await api.call(
                    .post, "/v1/sessions", json: Self.login(email, "more guesses \(index)"), headers: Self.from("198.51.100.66"))
            }
            let owner = try await api.call(
                .post, "/v1/sessions", json: Self.login(email, "the right password"), headers: Self.from("192.0.2.10"))
            #expect(owner.status == .created)
        }
    }

    @Test("sign-ups, invitation tokens and password changes are throttled per client address")
    func otherRoutes() async throws {
        try await TestApp.withServer(configure: { $0.trustProxy = true }) { api, _ in
            var signups: [Int] = []
            for index in 0..<11 {
                signups.append(
                    try await api.call(
                        .post, "/v1/signup",
                        json: """
                            {"organization":"Spam \(index)","email":"spam-\(UUID().uuidString.prefix(8))@example.com","password":"correct horse battery"}
                            """, headers: Self.from("203.0.113.50")
                    ).status.code)
            }
            #expect(signups.prefix(10).allSatisfy { $0 == 201 })
            #expect(signups.last == 429)

            var accepts: [Int] = []
            for index in 0..<11 {
                accepts.append(
                    try await api.call(
                        .post, "/v1/invitations/accept", json: #"{"token":"wsi_guess\#(index)","password":"correct horse battery"}"#,
                        headers: Self.from("203.0.113.51")
                    ).status.code)
            }
            #expect(accepts.prefix(10).allSatisfy { $0 == 404 })
            #expect(accepts.last == 429)

            let admin = try await api.signup(password: "correct horse battery")
            let changes = try await Self.untilThrottled { index in
                try await api.call(
                    .post, "/v1/me/password", as: admin.credential,
                    json: #"{"current_password":"wrong \#(index) password","new_password":"a brand new passphrase"}"#,
                    headers: Self.from("203.0.113.52")
                ).status.code
            }
            #expect(Array(changes.prefix(3)) == [401, 401, 401] && changes.last == 429 && !changes.contains(204), "\(changes)")
        }
    }
}

extension ThrottlingTests {
    @Test("sign-up and invitations are no way around the sign-in throttle for an existing login")
    func existingLoginPasswordIsThrottled() async throws {
        try await TestApp.withServer(configure: { $0.trustProxy = true }) { api, _ in
            let email = "guarded-\(UUID().uuidString.prefix(6))@example.com"
            _ = try await api.signup(email: email, password: "the right password")
            let signups = try await Self.untilThrottled { index in
                try await api.call(
                    .post, "/v1/signup",
                    json: """
                        {"organization":"Guess \(index)","email":"\(email)","password":"wrong password \(index)"}
                        """, headers: Self.from("203.0.113.60")
                ).status.code
            }
            #expect(Array(signups.prefix(3)) == [401, 401, 401] && signups.last == 429 && !signups.contains(201), "\(signups)")
            let inviter = try await api.signup()
            _ = try await api.call(.post, "/v1/members", as: inviter.credential, json: #"{"email":"\#(email)","roles":["auditor"]}"#)
            let token = try await api.invitationToken(for: email)
            let accepts = try await Self.untilThrottled { index in
                try await api.call(
                    .post, "/v1/invitations/accept", json: #"{"token":"\#(token)","password":"wrong password \#(index)"}"#,
                    headers: Self.from("203.0.113.61")
                ).status.code
            }
            #expect(Array(accepts.prefix(3)) == [401, 401, 401] && accepts.last == 429 && !accepts.contains(200), "\(accepts)")
        }
    }

    /// The statuses of `attempt` made until one is refused with 429 (at most eight). Three free
    /// failures earn a wait of 2 s, then 4 s, 8 s …: on a machine so loaded that one attempt
    /// outlasts a short wait, a later attempt still meets a longer one.
    static func untilThrottled(_ attempt: (Int) async throws -> Int) async throws -> [Int] {
        var statuses: [Int] = []
        for index in 0..<8 {
            statuses.append(try await attempt(index))
            if statuses.last == 429 { break }
        }
        return statuses
    }
}

/// The free attempts of the sign-in rules, as the tests rely on them.
enum ThrottleRuleLimits {
    static let loginPairFree = 3
}
