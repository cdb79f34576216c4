import Foundation
import HTTPTypes
import Testing
import WritAPI
import WritTestSupport

@Suite("Throttling holds under concurrency and cannot lock a victim out", .timeLimit(.minutes(3)))
struct ThrottlingTests {
    /// Headers naming the client, as a trusted proxy would.
    static func from(_ address: String) -> HTTPFields {
        [HTTPField.Name("X-Forwarded-For")!: "10.9.9.9, \(address)"]
    }

    static func login(_ email: String, _ password: String) -> String {
        #"{"email":"\#(email)","password":"\#(password)"}"#
    }

    @Test("sixty concurrent guesses meet the count one at a time: only the free few are checked")
    func concurrentGuesses() async throws {
        try await TestApp.withServer(configure: { $0.trustProxy = true }) { api, _ in
            let email = "victim-\(UUID().uuidString.prefix(6))@example.com"
            _ = try await api.signup(email: email, password: "the right password")
            let started = ContinuousClock.now
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<60 {
                    group.addTask {
                        let password = index == 30 ? "the right password" : "wrong password \(index)"
                        return try await api.call(.post, "/v1/sessions", json: Self.login(email, password),
                                                  headers: Self.from("203.0.113.7")).status.code
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
                let wrong = try await api.call(.post, "/v1/sessions", json: Self.login(email, "guess \(index) wrong"), headers: Self.from("198.51.100.66"))
                #expect(wrong.status == .unauthorized)
            }
            // The third failure earned the stranger a wait of 2 s from the moment it failed.
            let failedAt = ContinuousClock.now
            let attacker = try await api.call(.post, "/v1/sessions", json: Self.login(email, "the right password"), headers: Self.from("198.51.100.66"))
            if ContinuousClock.now - failedAt < .seconds(2) {
                #expect(attacker.status == .tooManyRequests)
                #expect(Int(attacker.headers[.retryAfter] ?? "") ?? 0 >= 1)
            }
            for index in 0..<5 {
                _ = try await api.call(.post, "/v1/sessions", json: Self.login(email, "more guesses \(index)"), headers: Self.from("198.51.100.66"))
            }
            let owner = try await api.call(.post, "/v1/sessions", json: Self.login(email, "the right password"), headers: Self.from("192.0.2.10"))
            #expect(owner.status == .created)
        }
    }

    @Test("sign-ups, invitation tokens and password changes are throttled per client address")
    func otherRoutes() async throws {
        try await TestApp.withServer(configure: { $0.trustProxy = true }) { api, _ in
            var signups: [Int] = []
            for index in 0..<11 {
                signups.append(try await api.call(.post, "/v1/signup", json: """
                    {"organization":"Spam \(index)","email":"spam-\(UUID().uuidString.prefix(8))@example.com","password":"correct horse battery"}
                    """, headers: Self.from("203.0.113.50")).status.code)
            }
            #expect(signups.prefix(10).allSatisfy { $0 == 201 })
            #expect(signups.last == 429)

            var accepts: [Int] = []
            for index in 0..<11 {
                accepts.append(try await api.call(.post, "/v1/invitations/accept", json: #"{"token":"wsi_guess\#(index)","password":"correct horse battery"}"#,
                                                  headers: Self.from("203.0.113.51")).status.code)
            }
            #expect(accepts.prefix(10).allSatisfy { $0 == 404 })
            #expect(accepts.last == 429)

            let admin = try await api.signup(password: "correct horse battery")
            var changes: [Int] = []
            for index in 0..<4 {
                changes.append(try await api.call(.post, "/v1/me/password", as: admin.credential,
                                                  json: #"{"current_password":"wrong \#(index) password","new_password":"a brand new passphrase"}"#,
                                                  headers: Self.from("203.0.113.52")).status.code)
            }
            #expect(changes == [401, 401, 401, 429])
        }
    }
}

extension ThrottlingTests {
    @Test("sign-up and invitations are no way around the sign-in throttle for an existing login")
    func existingLoginPasswordIsThrottled() async throws {
        try await TestApp.withServer(configure: { $0.trustProxy = true }) { api, _ in
            let email = "guarded-\(UUID().uuidString.prefix(6))@example.com"
            _ = try await api.signup(email: email, password: "the right password")
            var signups: [Int] = []
            for index in 0..<4 {
                signups.append(try await api.call(.post, "/v1/signup", json: """
                    {"organization":"Guess \(index)","email":"\(email)","password":"wrong password \(index)"}
                    """, headers: Self.from("203.0.113.60")).status.code)
            }
            #expect(signups == [401, 401, 401, 429])
            let inviter = try await api.signup()
            _ = try await api.call(.post, "/v1/members", as: inviter.credential, json: #"{"email":"\#(email)","roles":["auditor"]}"#)
            let token = try await api.invitationToken(for: email)
            var accepts: [Int] = []
            for index in 0..<4 {
                accepts.append(try await api.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(token)","password":"wrong password \#(index)"}"#,
                                                  headers: Self.from("203.0.113.61")).status.code)
            }
            #expect(accepts == [401, 401, 401, 429])
        }
    }
}

/// The free attempts of the sign-in rules, as the tests rely on them.
enum ThrottleRuleLimits {
    static let loginPairFree = 3
}
