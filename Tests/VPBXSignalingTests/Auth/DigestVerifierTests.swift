import Crypto
import Foundation
import Testing

@testable import VPBXSignaling

@Suite("Digest verification")
struct DigestVerifierTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    let realm = "vpbx.example"
    let issuer = NonceIssuer(secret: SymmetricKey(data: Array("0123456789abcdef0123456789abcdef".utf8)))

    private func store(password: String = "secret") -> (DigestAlgorithm) -> String? {
        { algorithm in
            DigestHash.ha1(username: "alice", realm: "vpbx.example", password: password, algorithm: algorithm)
        }
    }

    private func login(
        _ verifier: inout DigestVerifier, password: String = "secret", nonceCount: UInt32 = 1, qop: Bool = true,
        algorithmIndex: Int = 0, at time: Date? = nil, answerAt: Date? = nil
    ) -> DigestVerdict {
        var challenge = verifier.challenges(now: time ?? start)[algorithmIndex]
        if !qop { challenge.qop = [] }
        let credentials = DigestCredentials.answering(
            challenge, username: "alice", password: password, method: "REGISTER", uri: "sip:vpbx.example",
            cnonce: "c0ffee", nonceCount: nonceCount)
        return verifier.verify(
            credentials: credentials, method: "REGISTER", storedHA1: store(), now: answerAt ?? time ?? start)
    }

    @Test func rightPasswordAuthenticates() {
        var verifier = DigestVerifier(realm: realm, issuer: issuer)
        #expect(login(&verifier) == .authenticated)
    }

    @Test func sha256AndMD5ChallengesBothWork() {
        var verifier = DigestVerifier(realm: realm, issuer: issuer, algorithms: [.sha256, .md5])
        let challenges = verifier.challenges(now: start)
        #expect(challenges.map(\.algorithm) == [.sha256, .md5])
        #expect(challenges[0].nonce == challenges[1].nonce)
        #expect(login(&verifier, algorithmIndex: 0) == .authenticated)
        #expect(login(&verifier, algorithmIndex: 1) == .authenticated)
    }

    @Test func legacyClientWithoutQOPAuthenticates() {
        var verifier = DigestVerifier(realm: realm, issuer: issuer)
        #expect(login(&verifier, qop: false) == .authenticated)
    }

    @Test func wrongPasswordOrUnknownUser() {
        var verifier = DigestVerifier(realm: realm, issuer: issuer)
        #expect(login(&verifier, password: "guess") == .wrongCredentials)
        let challenge = verifier.challenges(now: start)[0]
        let credentials = DigestCredentials.answering(
            challenge, username: "mallory", password: "x", method: "REGISTER", uri: "sip:vpbx.example", cnonce: "c")
        #expect(
            verifier.verify(credentials: credentials, method: "REGISTER", storedHA1: { _ in nil }, now: start)
                == .wrongCredentials)
    }

    @Test func wrongMethodFails() {
        var verifier = DigestVerifier(realm: realm, issuer: issuer)
        let challenge = verifier.challenges(now: start)[0]
        let credentials = DigestCredentials.answering(
            challenge, username: "alice", password: "secret", method: "REGISTER", uri: "sip:vpbx.example", cnonce: "c")
        #expect(
            verifier.verify(credentials: credentials, method: "INVITE", storedHA1: store(), now: start)
                == .wrongCredentials)
    }

    @Test func expiredNonceIsStaleOnlyWithTheRightPassword() {
        var verifier = DigestVerifier(realm: realm, issuer: issuer)
        let late = start.addingTimeInterval(301)
        #expect(login(&verifier, at: start, answerAt: late) == .stale)
        #expect(login(&verifier, password: "guess", at: start, answerAt: late) == .wrongCredentials)
        let retry = verifier.challenges(now: late, stale: true)[0]
        #expect(retry.stale)
        #expect(retry.headerValue.hasSuffix("stale=true"))
    }

    @Test func replayedNonceCountIsRejected() {
        var verifier = DigestVerifier(realm: realm, issuer: issuer)
        let challenge = verifier.challenges(now: start)[0]
        func send(_ count: UInt32) -> DigestVerdict {
            let credentials = DigestCredentials.answering(
                challenge, username: "alice", password: "secret", method: "REGISTER", uri: "sip:vpbx.example",
                cnonce: "c0ffee", nonceCount: count)
            return verifier.verify(credentials: credentials, method: "REGISTER", storedHA1: store(), now: start)
        }
        #expect(send(1) == .authenticated)
        #expect(send(1) == .replay)
        #expect(send(2) == .authenticated)
        #expect(send(2) == .replay)
    }

    @Test func invalidInputsExplainThemselves() throws {
        var verifier = DigestVerifier(realm: realm, issuer: issuer)
        let nonce = verifier.challenges(now: start)[0].nonce
        var credentials = DigestCredentials.answering(
            DigestChallenge(realm: "other.example", nonce: nonce), username: "alice", password: "secret",
            method: "REGISTER", uri: "sip:vpbx.example", cnonce: "c")
        guard
            case .invalid(let realmReason) = verifier.verify(
                credentials: credentials, method: "REGISTER", storedHA1: store(), now: start)
        else {
            Issue.record("foreign realm accepted")
            return
        }
        #expect(realmReason.contains("other.example"))

        credentials = DigestCredentials.answering(
            DigestChallenge(realm: realm, nonce: "forged"), username: "alice", password: "secret",
            method: "REGISTER", uri: "sip:vpbx.example", cnonce: "c")
        #expect(
            verifier.verify(credentials: credentials, method: "REGISTER", storedHA1: store(), now: start)
                == .invalid("nonce was not issued by this server (or the server secret changed)"))

        credentials = DigestCredentials.answering(
            DigestChallenge(realm: realm, nonce: nonce, algorithm: .sha256), username: "alice", password: "secret",
            method: "REGISTER", uri: "sip:vpbx.example", cnonce: "c")
        #expect(
            verifier.verify(credentials: credentials, method: "REGISTER", storedHA1: store(), now: start)
                == .invalid("algorithm SHA-256 was not offered"))

        credentials = DigestCredentials.answering(
            DigestChallenge(realm: realm, nonce: nonce), username: "alice", password: "secret",
            method: "REGISTER", uri: "sip:vpbx.example", cnonce: "c")
        credentials.qop = "auth-int"
        #expect(
            verifier.verify(credentials: credentials, method: "REGISTER", storedHA1: store(), now: start)
                == .invalid("qop 'auth-int' is not supported; expected 'auth'"))
    }

    @Test func uppercaseResponseFromClientIsAccepted() throws {
        var verifier = DigestVerifier(realm: realm, issuer: issuer)
        var credentials = DigestCredentials.answering(
            verifier.challenges(now: start)[0], username: "alice", password: "secret", method: "REGISTER",
            uri: "sip:vpbx.example", cnonce: "c")
        credentials.response = credentials.response.uppercased()
        let parsed = try DigestCredentials(parsing: credentials.headerValue)
        #expect(
            verifier.verify(credentials: parsed, method: "REGISTER", storedHA1: store(), now: start) == .authenticated)
    }
}
