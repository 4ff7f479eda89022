import Crypto
import Foundation
import Testing

@testable import VPBXSignaling

/// Deterministic randomness for reproducible nonces.
struct CountingGenerator: RandomNumberGenerator {
    var state: UInt64 = 0
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return state
    }
}

@Suite("Nonces")
struct NonceTests {
    let issuer = NonceIssuer(secret: SymmetricKey(data: Array("0123456789abcdef0123456789abcdef".utf8)))
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func freshNonceIsValidUntilItsLifetimeEnds() {
        let nonce = issuer.issue(now: start)
        #expect(nonce.count == 64)
        #expect(issuer.check(nonce, now: start) == .valid)
        #expect(issuer.check(nonce, now: start.addingTimeInterval(300)) == .valid)
        #expect(issuer.check(nonce, now: start.addingTimeInterval(301)) == .stale)
        #expect(issuer.check(nonce, now: start.addingTimeInterval(-10)) == .valid)
        #expect(issuer.check(nonce, now: start.addingTimeInterval(-120)) == .stale)
        #expect(issuer.issueTime(of: nonce) == start)
    }

    /// The documented layout: time, random, then the first 16 bytes of HMAC-SHA256(secret,
    /// time ‖ random), whichever nonce of the issuer's life it is (the keyed MAC is reused).
    @Test func theTagIsHMACSHA256OfTimeAndRandom() {
        var generator = CountingGenerator()
        for _ in 0..<3 {
            let nonce = issuer.issue(now: start, using: &generator)
            let bytes = stride(from: 0, to: nonce.utf8.count, by: 2).map { offset -> UInt8 in
                let pair = nonce.dropFirst(offset).prefix(2)
                return UInt8(pair, radix: 16)!
            }
            let signed = Array(bytes.prefix(16))
            let expected = HMAC<SHA256>.authenticationCode(
                for: signed, using: SymmetricKey(data: Array("0123456789abcdef0123456789abcdef".utf8)))
            #expect(Array(bytes.suffix(16)) == Array(Array(expected).prefix(16)))
            #expect(signed.prefix(8) == [0, 0, 0, 0, 0x65, 0x53, 0xF1, 0x00])  // 1,700,000,000 big-endian
        }
    }

    @Test func noncesAreUnique() {
        #expect(issuer.issue(now: start) != issuer.issue(now: start))
    }

    @Test func tamperedOrForeignNoncesAreInvalid() {
        var generator = CountingGenerator()
        let nonce = issuer.issue(now: start, using: &generator)
        var bytes = Array(nonce)
        bytes[3] = bytes[3] == "0" ? "1" : "0"  // change the issue time
        #expect(issuer.check(String(bytes), now: start) == .invalid)
        #expect(issuer.check(nonce.uppercased(), now: start) == .invalid)
        #expect(issuer.check("", now: start) == .invalid)
        #expect(issuer.check("not hex at all", now: start) == .invalid)
        #expect(issuer.check(String(nonce.dropLast(2)), now: start) == .invalid)
        let other = NonceIssuer(secret: SymmetricKey(data: Array("another secret of 32 bytes......".utf8)))
        #expect(other.check(nonce, now: start) == .invalid)
    }

    @Test func configurableLifetime() {
        let short = NonceIssuer(lifetime: 30)
        let nonce = short.issue(now: start)
        #expect(short.check(nonce, now: start.addingTimeInterval(31)) == .stale)
    }

    @Test func trackerRejectsNonIncreasingCounts() {
        var tracker = NonceCountTracker()
        #expect(tracker.record(nonce: "a", nonceCount: 1, issuedAt: start, now: start) == .accepted)
        #expect(tracker.record(nonce: "a", nonceCount: 1, issuedAt: start, now: start) == .replay)
        #expect(tracker.record(nonce: "a", nonceCount: 3, issuedAt: start, now: start) == .accepted)
        #expect(tracker.record(nonce: "a", nonceCount: 2, issuedAt: start, now: start) == .replay)
        #expect(tracker.record(nonce: "b", nonceCount: 1, issuedAt: start, now: start) == .accepted)
    }

    @Test func trackerIsBoundedAndDoesNotForgetIntoReplay() {
        var tracker = NonceCountTracker(capacity: 100, retention: 300)
        for index in 0..<1000 {
            let time = start.addingTimeInterval(Double(index) / 100)
            _ = tracker.record(nonce: "n\(index)", nonceCount: 1, issuedAt: time, now: time)
            #expect(tracker.count <= 100)
        }
        // "n0" was evicted; replaying it must not be accepted as new.
        let later = start.addingTimeInterval(10)
        #expect(tracker.record(nonce: "n0", nonceCount: 1, issuedAt: start, now: later) == .forgotten)
        // A nonce issued after the evicted ones were first used is still welcome.
        #expect(tracker.record(nonce: "fresh", nonceCount: 1, issuedAt: later, now: later) == .accepted)
    }

    @Test func trackerForgetsExpiredNonces() {
        var tracker = NonceCountTracker(capacity: 100, retention: 300)
        _ = tracker.record(nonce: "old", nonceCount: 1, issuedAt: start, now: start)
        let later = start.addingTimeInterval(301)
        _ = tracker.record(nonce: "new", nonceCount: 1, issuedAt: later, now: later)
        #expect(tracker.count == 1)
        #expect(tracker.record(nonce: "old", nonceCount: 2, issuedAt: start, now: later) == .forgotten)
    }

    /// A registration storm after a power cut: 16,000 challenges a second, each answered two
    /// seconds after it was issued (the core's queue, the phone's round trip). With room for
    /// 10,000 nonces (before stop 37) everything answered after the first second was stale.
    @Test func trackerKeepsChallengesAnswerableThroughAStorm() {
        var tracker = NonceCountTracker()
        var outcomes: [NonceCountTracker.Outcome: Int] = [:]
        for index in 0..<80_000 {
            let issued = start.addingTimeInterval((Double(index) / 16_000).rounded(.down))
            let answered = start.addingTimeInterval(Double(index) / 16_000 + 2)
            outcomes[tracker.record(nonce: "storm-\(index)", nonceCount: 1, issuedAt: issued, now: answered), default: 0] += 1
        }
        #expect(outcomes == [.accepted: 80_000])
        var small = NonceCountTracker(capacity: 10_000, retention: 300)
        let forgotten = (0..<80_000).count { index in
            let issued = start.addingTimeInterval((Double(index) / 16_000).rounded(.down))
            let answered = start.addingTimeInterval(Double(index) / 16_000 + 2)
            return small.record(nonce: "storm-\(index)", nonceCount: 1, issuedAt: issued, now: answered) == .forgotten
        }
        #expect(forgotten > 40_000, "the old capacity forgot \(forgotten) of them: the premise of this test")
    }
}
