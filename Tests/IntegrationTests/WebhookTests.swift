import Crypto
import Foundation
import Testing
import VPBXControl

extension Integration {
    /// CTI hooks: the engine POSTs call events to a CRM's URL (a web server in the test). A
    /// receiver that fails or is not there at all costs the calls nothing.
    @Suite("Webhooks")
    struct WebhookTests {
        /// 1001 calls 1002 (a sipp phone answering at once) and hangs up; returns what `crm`
        /// received once the call's end reached it.
        static func oneCall(_ pbx: TestPBX, postingTo crm: HTTPReceiver) async throws -> [HTTPReceiver.Request] {
            let callee = try SippPeer(.answer)
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            try await pbx.addExtension(
                Fixture.callee, password: Fixture.password(Fixture.callee),
                staticContact: pbx.contact(of: callee, number: Fixture.callee))
            let caller = try pbx.phone(.callHangup).service(Fixture.callee).caller(Fixture.caller)
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
            let results = try await pbx.call(caller: caller, callee: callee)
            try results.caller.requireSuccess()
            try results.callee.requireSuccess()
            return try await eventually("the call's end POSTed") {
                crm.received.contains { $0.json?["type"] as? String == "call.ended" } ? crm.received : nil
            }
        }

        @Test("a call's events reach the CRM as JSON POSTs, in order; a failing and an absent receiver do not hold calls up")
        func callEventsArePosted() async throws {
            let crm = try HTTPReceiver()
            defer { crm.stop() }
            let failing = try HTTPReceiver(status: 500)
            defer { failing.stop() }
            let absent = try TCPListener().port  // closed again at once: nobody listens there
            try await TestPBX.run(configure: {
                $0.webhooks = [
                    "http://127.0.0.1:\(crm.port)/pbx/events", "http://127.0.0.1:\(failing.port)/x",
                    "http://127.0.0.1:\(absent)/y",
                ]
            }) { pbx in
                let posts = try await Self.oneCall(pbx, postingTo: crm)
                for post in posts {
                    #expect(post.requestLine == "POST /pbx/events HTTP/1.1", "\(post.head)")
                    #expect(post.header("Content-Type") == "application/json")
                    #expect(post.header("User-Agent")?.hasPrefix("vpbx/") == true)
                }
                let events = posts.compactMap(\.json)
                let types = events.compactMap { $0["type"] as? String }
                #expect(types.filter { !$0.hasPrefix("call.routed") } == ["call.started", "call.ringing", "call.answered", "call.ended"], "\(types)")
                #expect(events.allSatisfy { $0["topic"] as? String == "call" }, "only the call topic by default")
                let seqs = events.compactMap { ($0["seq"] as? NSNumber)?.intValue }
                #expect(seqs.count == events.count && seqs == seqs.sorted() && Set(seqs).count == seqs.count, "\(seqs)")
                let ringing = try #require(events.first { $0["type"] as? String == "call.ringing" }?["data"] as? [String: Any])
                #expect(ringing["caller"] as? String == Fixture.caller && ringing["callee"] as? String == Fixture.callee)
                let ended = try #require(events.last?["data"] as? [String: Any])
                #expect(ended["disposition"] as? String == "answered")
                try await eventually("the failing receiver was asked too") { failing.received.count >= 4 }
                // A first failure is sent again twice (1 s and 3 s later) before it counts.
                let status = try await eventually("the failures counted", timeout: .seconds(20)) {
                    let status = try await pbx.cli.json(StatusReport.self, ["status"]).status
                    let failed = (status.webhooks ?? []).filter { $0.failed >= 1 }.count
                    return failed == 2 ? status : nil
                }
                let figures = Dictionary(uniqueKeysWithValues: (status.webhooks ?? []).map { ($0.url, $0) })
                #expect(figures.count == 3, "\(status.webhooks ?? [])")
                #expect(figures["http://127.0.0.1:\(crm.port)/pbx/events"]?.delivered ?? 0 >= 4)
                #expect(figures["http://127.0.0.1:\(crm.port)/pbx/events"]?.failed == 0)
                #expect(figures["http://127.0.0.1:\(failing.port)/x"]?.failed ?? 0 >= 4)
                #expect(figures["http://127.0.0.1:\(failing.port)/x"]?.delivered == 0)
                #expect(figures["http://127.0.0.1:\(absent)/y"]?.failed ?? 0 >= 1)
                #expect(figures["http://127.0.0.1:\(failing.port)/x"]?.retried == 2, "only the first failure is sent again")
                let text = try await pbx.cli.run(["status"], json: false)
                #expect(text.stdout.contains("/x: 0 delivered") && text.stdout.contains("FAILED"), "\(text.stdout)")
            }
        }

        @Test("a receiver's blip (one 503) is retried: every event of the call arrives, none counted failed")
        func aBlipIsRetried() async throws {
            let crm = try HTTPReceiver(failingFirst: 1)
            defer { crm.stop() }
            try await TestPBX.run(configure: { $0.webhooks = ["http://127.0.0.1:\(crm.port)/pbx/events"] }) { pbx in
                let posts = try await Self.oneCall(pbx, postingTo: crm)
                let types = posts.compactMap { $0.json?["type"] as? String }.filter { !$0.hasPrefix("call.routed") }
                // The first event twice (refused, then taken), the rest once, in order.
                #expect(types == ["call.started", "call.started", "call.ringing", "call.answered", "call.ended"], "\(types)")
                let status = try await pbx.cli.json(StatusReport.self, ["status"]).status
                let figures = try #require(status.webhooks?.first)
                #expect(figures.failed == 0 && figures.retried == 1 && figures.delivered >= 4, "\(figures)")
            }
        }
    
        @Test("--webhook-secret: every POST carries a timestamp and the HMAC-SHA256 of it and the body, as the CRM recomputes it")
        func requestsAreSigned() async throws {
            let crm = try HTTPReceiver()
            defer { crm.stop() }
            let secret = "s3cret-shared-with-the-crm-\(UInt32.random(in: 0...UInt32.max))"
            try await TestPBX.run(configure: { options in
                let path = (options.dataDirectory as NSString).deletingLastPathComponent + "/webhook.secret"
                try Data((secret + "\n").utf8).write(to: URL(fileURLWithPath: path))
                guard chmod(path, 0o600) == 0 else { throw HarnessError("cannot chmod \(path)") }
                options.webhooks = ["http://127.0.0.1:\(crm.port)/pbx/events"]
                options.webhookSecret = path
            }) { pbx in
                let posts = try await Self.oneCall(pbx, postingTo: crm)
                #expect(posts.count >= 4)
                let now = Date().timeIntervalSince1970
                for post in posts {
                    let timestamp = try #require(post.header("X-VPBX-Timestamp").flatMap { Int($0) }, "\(post.head)")
                    #expect(abs(Double(timestamp) - now) < 120, "timestamp \(timestamp), now \(now)")
                    let mac = HMAC<SHA256>.authenticationCode(
                        for: Array("\(timestamp).".utf8) + post.body, using: SymmetricKey(data: Array(secret.utf8)))
                    let expected = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
                    #expect(post.header("X-VPBX-Signature") == expected, "\(post.head)")
                }
                // The body is what was signed: one changed byte and the signature no longer fits.
                let first = try #require(posts.first)
                var altered = first.body
                altered[altered.count / 2] ^= 0x01
                let alteredMAC = HMAC<SHA256>.authenticationCode(
                    for: Array("\(first.header("X-VPBX-Timestamp")!).".utf8) + altered, using: SymmetricKey(data: Array(secret.utf8)))
                #expect(first.header("X-VPBX-Signature") != "sha256=" + alteredMAC.map { String(format: "%02x", $0) }.joined())
            }
        }
    }
}
