import Logging
import Synchronization
import Testing

@testable import VPBXNetwork

/// The background resolver behind static contacts named by host name. A scripted lookup
/// and a hand-moved clock: no DNS traffic leaves the machine.
@Suite("Host resolver")
struct HostResolverTests {
    /// Answers from a script, counting the questions.
    final class ScriptedLookup: Sendable {
        private let state = Mutex<(answers: [String: [String]], calls: Int)>(([:], 0))
        func answer(_ host: String, with addresses: [String]) { state.withLock { $0.answers[host] = addresses } }
        var calls: Int { state.withLock { $0.calls } }
        func lookup(_ host: String) -> [String] {
            state.withLock { state in
                state.calls += 1
                return state.answers[host] ?? []
            }
        }
    }

    final class HandClock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
    }

    private func resolver(_ lookup: ScriptedLookup, _ clock: HandClock) -> HostResolver {
        HostResolver(
            logger: Logger(label: "test"), refresh: .seconds(300), retry: .seconds(30),
            lookup: { lookup.lookup($0) }, now: { clock.now })
    }

    /// A resolver that has looked `door.lan` up once (as 192.0.2.50).
    private func resolvedOnce(_ lookup: ScriptedLookup, _ clock: HandClock) -> HostResolver {
        lookup.answer("door.lan", with: ["192.0.2.50"])
        let resolver = resolver(lookup, clock)
        _ = resolver.address(of: "door.lan")
        resolver.waitForLookups()
        return resolver
    }

    /// Moves the clock by `elapsed`, asks for `door.lan` (starting a lookup when one is due)
    /// and waits for that lookup.
    private func askAgain(_ resolver: HostResolver, after elapsed: Duration, _ clock: HandClock) {
        clock.advance(elapsed)
        _ = resolver.address(of: "door.lan")
        resolver.waitForLookups()
    }

    @Test("the first question starts a lookup and gets nil; the answer is kept, not looked up again before the refresh")
    func cachesAnswers() {
        let lookup = ScriptedLookup()
        let clock = HandClock()
        lookup.answer("door.lan", with: ["192.0.2.50"])
        let resolver = resolver(lookup, clock)
        #expect(resolver.address(of: "door.lan") == nil)
        resolver.waitForLookups()
        #expect(resolver.address(of: "door.lan") == "192.0.2.50")
        clock.advance(.seconds(299))
        #expect(resolver.address(of: "door.lan") == "192.0.2.50")
        resolver.waitForLookups()
        #expect(lookup.calls == 1)
    }

    @Test("after the refresh interval the name is looked up again and a changed address is taken")
    func refreshes() {
        let lookup = ScriptedLookup()
        let clock = HandClock()
        let resolver = resolvedOnce(lookup, clock)
        lookup.answer("door.lan", with: ["192.0.2.60"])
        clock.advance(.seconds(300))
        #expect(resolver.address(of: "door.lan") == "192.0.2.50")  // the old answer while the new lookup runs
        resolver.waitForLookups()
        #expect(resolver.address(of: "door.lan") == "192.0.2.60")
        #expect(lookup.calls == 2)
    }

    @Test("a failed lookup keeps the last address and is retried after 30 s, not 5 minutes")
    func failureKeepsLastAddress() {
        let lookup = ScriptedLookup()
        let clock = HandClock()
        let resolver = resolvedOnce(lookup, clock)
        lookup.answer("door.lan", with: [])
        askAgain(resolver, after: .seconds(300), clock)
        #expect(resolver.address(of: "door.lan") == "192.0.2.50")
        #expect(lookup.calls == 2)
        lookup.answer("door.lan", with: ["192.0.2.70"])
        askAgain(resolver, after: .seconds(30), clock)
        #expect(lookup.calls == 3)
        #expect(resolver.address(of: "door.lan") == "192.0.2.70")
    }

    @Test("many questions start one lookup, and the next only when the retry is due")
    func oneLookupAtATime() {
        let lookup = ScriptedLookup()
        let clock = HandClock()
        let resolver = resolver(lookup, clock)
        for _ in 0..<50 { _ = resolver.address(of: "nowhere.lan") }
        resolver.waitForLookups()
        #expect(lookup.calls == 1)
        #expect(resolver.address(of: "nowhere.lan") == nil)
        clock.advance(.seconds(30))
        _ = resolver.address(of: "nowhere.lan")
        resolver.waitForLookups()
        #expect(lookup.calls == 2)
    }

    @Test("the system resolver finds localhost in /etc/hosts, IPv4 first")
    func systemLookupLocalhost() {
        let addresses = HostResolver.systemLookup("localhost")
        #expect(addresses.first == "127.0.0.1", "getaddrinfo(localhost) gave \(addresses)")
    }
}
