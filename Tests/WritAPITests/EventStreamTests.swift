import Foundation
import Postgres
import Testing
import WritAPI
import WritTestSupport

@Suite("Event stream", .timeLimit(.minutes(3)))
struct EventStreamTests {
    @Test("an event committed on another node streams at once; a reconnect with Last-Event-ID to either node resumes without a gap")
    func acrossNodes() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        var configuration = TestApp.configuration(for: database)
        // The keep-alive read comes every 10 s; the live events must arrive well before, by the notice.
        configuration.eventHeartbeat = .seconds(10)
        let nodeA = try await WritApplication.build(configuration: configuration)
        let nodeB = try await WritApplication.build(configuration: configuration)
        try await nodeA.test(.live) { clientA in
            try await nodeB.test(.live) { clientB in
                let a = APIClient(client: clientA)
                let b = APIClient(client: clientB)
                let signup = try await a.signup()
                let watcher = try await a.call(.post, "/v1/api-keys", as: signup.credential, json: #"{"name":"watch","scopes":["admin"]}"#)
                let watchKey = try watcher.decoded(CreatedKeyBody.self).key
                let setup = try await b.agentWithKey(as: signup.credential)
                let stream = try await EventStreamClient(port: try #require(clientA.port), bearer: watchKey)
                #expect(stream.status == 200)

                let submitted = try await b.call(
                    .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/1"}"#)
                let intent = try submitted.decoded(IntentBody.self).id
                // The checkpoint job may sign the new chain at any moment: its event is not the test's.
                let checkpoint: Set<String> = ["audit.checkpoint"]
                let live = await stream.next(2, timeout: .seconds(2), skipping: checkpoint)
                let liveOwn = live.filter { !checkpoint.contains($0.type) }
                #expect(liveOwn.map(\.type) == ["intent.submitted", "warrant.issued"])
                #expect(liveOwn.first?.data.contains(intent) == true)
                stream.close()
                let last = try #require(live.last?.id)

                var missed: [String] = []
                for index in 0..<3 {
                    let more = try await b.call(
                        .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/\#(index)"}"#)
                    missed.append(try more.decoded(IntentBody.self).id)
                }
                for port in [try #require(clientB.port), try #require(clientA.port)] {
                    let resumed = try await EventStreamClient(port: port, bearer: watchKey, lastEventID: last)
                    let replay = await resumed.next(6, skipping: checkpoint)
                    resumed.close()
                    #expect(replay.map(\.id) == Array((last + 1)...(last + Int64(max(replay.count, 6)))))
                    #expect(replay.filter { !checkpoint.contains($0.type) }.count == 6)
                    #expect(
                        replay.filter { $0.type == "intent.submitted" }.map { event in missed.first { event.data.contains($0) } } == missed)
                }
                let replayedByQuery = try await EventStreamClient(
                    port: try #require(clientA.port), bearer: watchKey, query: "?after=\(last + 5)")
                #expect(await replayedByQuery.next(1).map(\.id) == [last + 6])
                replayedByQuery.close()
            }
        }
    }

    @Test("streams are filtered by role; a revoked key's stream ends; bad requests get problems")
    func scopesAndRevocation() async throws {
        try await TestApp.withServer(configure: { $0.eventHeartbeat = .milliseconds(500) }) { api, _ in
            let port = try #require(api.client.port)
            let signup = try await api.signup()
            let mine = try await api.agentWithKey(as: signup.credential)
            let theirs = try await api.agentWithKey(as: signup.credential)
            let operatorSession = try await api.inviteAndAccept(
                as: signup.credential, email: "op-\(UUID().uuidString.prefix(6))@example.com",
                roles: #"["operator"]"#)
            let operatorCookie = try #require(try Credential.session(from: operatorSession.accepted).sessionCookie)
            let agentStream = try await EventStreamClient(port: port, bearer: mine.key)
            let operatorStream = try await EventStreamClient(port: port, cookie: "writ_session=\(operatorCookie)")
            #expect(agentStream.status == 200 && operatorStream.status == 200)

            let other = try await api.call(
                .post, "/v1/intents", as: .key(theirs.key), json: #"{"action":"s3.objects.read","resource":"b/1"}"#)
            _ = try await api.call(.post, "/v1/members", as: signup.credential, json: #"{"email":"later@example.com","roles":["auditor"]}"#)
            let own = try await api.call(.post, "/v1/intents", as: .key(mine.key), json: #"{"action":"s3.objects.read","resource":"b/2"}"#)
            let ownID = try own.decoded(IntentBody.self).id
            let otherID = try other.decoded(IntentBody.self).id

            let agentEvents = await agentStream.next(1)
            #expect(agentEvents.map(\.type) == ["intent.submitted"])
            #expect(agentEvents.allSatisfy { $0.data.contains(ownID) })
            #expect(await agentStream.next(1, timeout: .seconds(1)).isEmpty)
            let operatorEvents = await operatorStream.next(4)
            #expect(operatorEvents.map(\.type) == ["intent.submitted", "warrant.issued", "intent.submitted", "warrant.issued"])
            #expect(operatorEvents.first?.data.contains(otherID) == true)
            #expect(await operatorStream.next(1, timeout: .seconds(1)).isEmpty)  // never member.invited

            #expect(try await api.call(.delete, "/v1/api-keys/\(mine.keyID)", as: signup.credential).status == .noContent)
            #expect(await agentStream.ended(within: .seconds(5)))
            operatorStream.close()

            let executor = try await api.call(
                .post, "/v1/api-keys", as: signup.credential,
                json: #"{"name":"exec","scopes":["warrants"],"audiences":["s3"]}"#)
            let refused = try await EventStreamClient(port: port, bearer: try executor.decoded(CreatedKeyBody.self).key)
            #expect(refused.status == 403)
            #expect(try await EventStreamClient(port: port).status == 401)
            let malformed = try await EventStreamClient(port: port, bearer: theirs.key, query: "?after=-1")
            #expect(malformed.status == 422)
        }
    }

    @Test("one credential holds at most 10 streams of its tenant's 50; a slot is free again as soon as its client goes")
    func perCredentialCap() async throws {
        // A long keep-alive: the slot must be released when the client goes, not at the next one.
        try await TestApp.withServer(configure: { $0.eventHeartbeat = .seconds(120) }) { api, _ in
            let port = try #require(api.client.port)
            let signup = try await api.signup()
            let agent = try await api.agentWithKey(as: signup.credential)
            var streams: [EventStreamClient] = []
            for _ in 0..<10 { streams.append(try await EventStreamClient(port: port, bearer: agent.key, ownConnection: true)) }
            #expect(streams.allSatisfy { $0.status == 200 })
            let refused = try await EventStreamClient(port: port, bearer: agent.key, ownConnection: true)
            #expect(refused.status == 429)
            refused.close()
            // The tenant's other credentials still get streams.
            let admin = try await EventStreamClient(
                port: port, cookie: "writ_session=\(try #require(signup.credential.sessionCookie))",
                ownConnection: true)
            #expect(admin.status == 200)
            admin.close()
            streams.removeFirst().close()
            // Freed at the hang-up, not at the next keep-alive (120 s): allow a loaded machine 10 s.
            let reopened = try await eventually {
                let attempt = try await EventStreamClient(port: port, bearer: agent.key, ownConnection: true)
                if attempt.status == 200 { streams.append(attempt) } else { attempt.close() }
                return attempt.status == 200
            }
            #expect(reopened, "the slot of a closed stream was not released within 10 s")
            for stream in streams { stream.close() }
        }
    }

    @Test("a stream does not keep its session alive: an idle session's stream ends")
    func idleSessionEnds() async throws {
        try await TestApp.withServer(configure: { $0.eventHeartbeat = .milliseconds(300) }) { api, database in
            let signup = try await api.signup()
            let cookie = try #require(signup.credential.sessionCookie)
            let stream = try await EventStreamClient(port: try #require(api.client.port), cookie: "writ_session=\(cookie)")
            #expect(stream.status == 200)
            let owner = ConnectionPool(configuration: database.migrateConfiguration)
            let tenant = try #require(UUID(uuidString: signup.tenant))
            // Five minutes idle: the stream's re-checks (every 0.3 s) must not count as activity.
            try await owner.query("UPDATE writ.sessions SET last_seen_at = now() - interval '5 minutes' WHERE tenant_id = \(tenant)")
            try await Task.sleep(for: .seconds(1))
            let idle = try await owner.query(
                """
                SELECT last_seen_at < now() - interval '4 minutes' AS idle FROM writ.sessions WHERE tenant_id = \(tenant)
                """)[0].decode(Bool.self, "idle")
            #expect(idle)
            #expect(!(await stream.ended(within: .milliseconds(200))))
            // Past the idle timeout the session is over, and so is its stream.
            try await owner.query("UPDATE writ.sessions SET last_seen_at = now() - interval '3 hours' WHERE tenant_id = \(tenant)")
            #expect(await stream.ended(within: .seconds(5)))
            await owner.close()
        }
    }
}
