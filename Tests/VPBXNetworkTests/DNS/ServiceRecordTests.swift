import Logging
import Synchronization
import Testing

@testable import VPBXNetwork

/// RFC 2782's order of SRV records, and the resolver's SRV answers kept for the core.
@Suite("SRV records")
struct ServiceRecordTests {
    /// A seeded xorshift generator: the same draws every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    private func record(_ priority: UInt16, _ weight: UInt16, _ target: String) -> ServiceRecord {
        ServiceRecord(priority: priority, weight: weight, port: 5060, target: target)
    }

    @Test("lower priority first whatever the weights; a target of \".\" is no server")
    func priorityFirst() {
        var random = SeededGenerator(state: 7)
        let records = [
            record(20, 100, "b.example"), record(10, 0, "a.example"), record(30, 5, "."), record(20, 0, "c.example"),
        ]
        for _ in 0..<20 {
            let ordered = ServiceRecord.ordered(records, using: &random).map(\.target)
            #expect(ordered.first == "a.example" && ordered.count == 3 && !ordered.contains("."), "\(ordered)")
            #expect(Set(ordered.dropFirst()) == ["b.example", "c.example"])
        }
    }

    @Test("within a priority, the first is drawn by weight: 60 against 20 against 20 comes first about 3 times in 5")
    func weightedDraw() {
        var random = SeededGenerator(state: 12345)
        let records = [record(10, 20, "small1"), record(10, 60, "big"), record(10, 20, "small2")]
        var firsts: [String: Int] = [:]
        for _ in 0..<10_000 {
            let ordered = ServiceRecord.ordered(records, using: &random)
            #expect(ordered.count == 3)
            firsts[ordered[0].target, default: 0] += 1
        }
        // Binomial with p = 0.6 over 10,000 draws: the standard deviation is 49.
        #expect((5_700...6_300).contains(firsts["big"] ?? 0), "\(firsts)")
        #expect((1_700...2_300).contains(firsts["small1"] ?? 0), "\(firsts)")
        #expect((1_700...2_300).contains(firsts["small2"] ?? 0), "\(firsts)")
    }

    @Test("weight 0 beside weighted records: rarely first (on a draw of 0 only), never lost")
    func zeroWeight() {
        var random = SeededGenerator(state: 99)
        let records = [record(10, 50, "weighted"), record(10, 0, "spare")]
        var spareFirst = 0
        for _ in 0..<1_000 {
            let ordered = ServiceRecord.ordered(records, using: &random).map(\.target)
            #expect(Set(ordered) == ["weighted", "spare"])
            if ordered[0] == "spare" { spareFirst += 1 }
        }
        #expect(spareFirst < 100, "a draw of 0 in 0...50 is about 2 %: \(spareFirst)")
    }

    @Test(
        "servers found keep their records' priority and weight, so each call draws again: by weight, each with its port"
    )
    func serversDrawnAgain() {
        var random = SeededGenerator(state: 4242)
        let servers = [
            ServiceServer(address: "192.0.2.1", port: 5060, priority: 10, weight: 75),
            ServiceServer(address: "192.0.2.2", port: 5070, priority: 10, weight: 25),
            ServiceServer(address: "192.0.2.3", port: 5080, priority: 20, weight: 100),
        ]
        var firsts: [String: Int] = [:]
        for _ in 0..<4_000 {
            let order = servers.drawnInOrder(using: &random)
            #expect(Set(order.prefix(2).map(\.port)) == [5060, 5070] && order.last == servers[2], "\(order)")
            firsts[order[0].address, default: 0] += 1
        }
        // Binomial with p = 0.75 over 4,000 draws: the standard deviation is 27.
        #expect((2_850...3_150).contains(firsts["192.0.2.1"] ?? 0), "\(firsts)")
        let unweighted = [ServiceServer(address: "a", port: 1), ServiceServer(address: "b", port: 2)]
        #expect(unweighted.drawnInOrder(using: &random) == unweighted, "all weights 0: the order given")
    }

    /// A resolver answering SRV and host questions from scripts.
    final class Script: Sendable {
        private let state = Mutex<
            (services: [String: DNSQuestions.ServiceAnswer], hosts: [String: [String]], calls: Int)
        >(
            ([:], [:], 0))
        func answer(_ name: String, _ answer: DNSQuestions.ServiceAnswer) {
            state.withLock { $0.services[name] = answer }
        }
        func host(_ name: String, _ addresses: [String]) { state.withLock { $0.hosts[name] = addresses } }
        func service(_ name: String) -> DNSQuestions.ServiceAnswer {
            state.withLock { state in
                state.calls += 1
                return state.services[name] ?? .failed
            }
        }
        func addresses(_ host: String) -> [String] { state.withLock { $0.hosts[host] ?? [] } }
        var calls: Int { state.withLock { $0.calls } }
    }

    private func resolver(_ script: Script, _ clock: HostResolverTests.HandClock) -> HostResolver {
        HostResolver(
            logger: Logger(label: "test"), lookup: { script.addresses($0) }, serviceLookup: { script.service($0) },
            now: { clock.now })
    }

    @Test("SRV targets are given at their addresses in order; targets that do not resolve are left out")
    func serversAtTheirAddresses() {
        let script = Script()
        let clock = HostResolverTests.HandClock()
        script.answer(
            "_sip._udp.p.example",
            .records([
                record(20, 0, "sbc2.p.example"), record(10, 0, "sbc1.p.example"), record(15, 0, "gone.p.example"),
            ]))
        script.host("sbc1.p.example", ["192.0.2.1"])
        script.host("sbc2.p.example", ["192.0.2.2", "192.0.2.3"])
        let resolver = resolver(script, clock)
        #expect(resolver.servers(of: "_sip._udp.p.example") == nil)
        resolver.waitForLookups()
        #expect(
            resolver.servers(of: "_sip._udp.p.example")
                == [
                    ServiceServer(address: "192.0.2.1", port: 5060, priority: 10),
                    ServiceServer(address: "192.0.2.2", port: 5060, priority: 20),
                ])
    }

    @Test(
        "no records: none (the domain's own address then); a failed question: none at first, later the last servers found"
    )
    func noneAndFailed() {
        let script = Script()
        let clock = HostResolverTests.HandClock()
        script.answer("_sip._udp.none.example", .noRecords)
        let resolver = resolver(script, clock)
        _ = resolver.servers(of: "_sip._udp.none.example")
        _ = resolver.servers(of: "_sip._udp.broken.example")
        resolver.waitForLookups()
        #expect(resolver.servers(of: "_sip._udp.none.example") == [])
        #expect(resolver.servers(of: "_sip._udp.broken.example") == [])

        script.answer("_sip._udp.broken.example", .records([record(10, 0, "sbc.example")]))
        script.host("sbc.example", ["192.0.2.9"])
        clock.advance(.seconds(30))
        _ = resolver.servers(of: "_sip._udp.broken.example")
        resolver.waitForLookups()
        let found = [ServiceServer(address: "192.0.2.9", port: 5060, priority: 10)]
        #expect(resolver.servers(of: "_sip._udp.broken.example") == found)
        script.answer("_sip._udp.broken.example", .failed)
        clock.advance(.seconds(300))
        _ = resolver.servers(of: "_sip._udp.broken.example")
        resolver.waitForLookups()
        #expect(resolver.servers(of: "_sip._udp.broken.example") == found)
        #expect(script.calls == 4)
    }
}
