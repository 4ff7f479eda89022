import Testing

@testable import VPBXSignaling

@Suite("Digest header values")
struct DigestHeaderTests {
    @Test func challengeHeaderValue() {
        let challenge = DigestChallenge(realm: "vpbx.example", nonce: "abc", opaque: "xyz", algorithm: .sha256)
        #expect(
            challenge.headerValue
                == #"Digest realm="vpbx.example", nonce="abc", opaque="xyz", algorithm=SHA-256, qop="auth""#)
        var stale = DigestChallenge(realm: "r", nonce: "n", qop: [])
        stale.stale = true
        #expect(stale.headerValue == #"Digest realm="r", nonce="n", algorithm=MD5, stale=true"#)
    }

    @Test func challengeRoundTripsAndParsesTrunkStyle() throws {
        let challenge = DigestChallenge(realm: "a \"quoted\" realm", nonce: "n1", opaque: "o", stale: true)
        #expect(try DigestChallenge(parsing: challenge.headerValue) == challenge)
        let trunk = try DigestChallenge(
            parsing: #"DIGEST realm="sip.carrier.example",nonce="5f1a",qop="auth,auth-int",stale=FALSE"#)
        #expect(trunk.realm == "sip.carrier.example")
        #expect(trunk.algorithm == .md5)
        #expect(trunk.qop == ["auth", "auth-int"])
        #expect(!trunk.stale)
    }

    @Test func parsesTypicalPhoneAuthorization() throws {
        let value = """
            Digest username="201",realm="vpbx.example",nonce="0123abcd",uri="sip:vpbx.example",\
            response="5e3b6d2ab8e41f7e0c52e0a1a2f4d0c9",algorithm=MD5,cnonce="1a2b3c",qop=auth,nc=00000001
            """
        let credentials = try DigestCredentials(parsing: value)
        #expect(credentials.username == "201")
        #expect(credentials.realm == "vpbx.example")
        #expect(credentials.uri == "sip:vpbx.example")
        #expect(credentials.algorithm == .md5)
        #expect(credentials.qop == "auth")
        #expect(credentials.nonceCount == "00000001")
        #expect(credentials.nonceCountValue == 1)
        #expect(try DigestCredentials(parsing: credentials.headerValue) == credentials)
    }

    @Test func toleratesCaseWhitespaceEscapesAndUnknownParameters() throws {
        let value =
            "  digest   USERNAME = \"al\\\"ice\" ,\tRealm=\"r\",  nonce=\"n\", uri=sip:r;transport=tcp ,"
            + " Response=\"ABCDEF\", , Algorithm=\"sha-256\", x-vendor=1, opaque=\"\""
        let credentials = try DigestCredentials(parsing: value)
        #expect(credentials.username == "al\"ice")
        #expect(credentials.uri == "sip:r;transport=tcp")
        #expect(credentials.response == "ABCDEF")
        #expect(credentials.algorithm == .sha256)
        #expect(credentials.opaque == "")
        #expect(credentials.qop == nil)
    }

    @Test("missing mandatory parameters are named", arguments: ["username", "realm", "nonce", "uri", "response"])
    func missingParameter(name: String) throws {
        let all = ["username": "u", "realm": "r", "nonce": "n", "uri": "sip:r", "response": "00"]
        let value =
            "Digest " + all.filter { $0.key != name }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", ")
        let failure = try #require(throws: DigestError.self) { try DigestCredentials(parsing: value) }
        #expect(failure.code == .missingParameter)
        #expect(failure.message == "missing '\(name)' parameter in Digest header")
    }

    @Test func qopNeedsCnonceAndValidNonceCount() throws {
        let base = #"Digest username="u", realm="r", nonce="n", uri="sip:r", response="00", qop=auth"#
        let noCnonce = try #require(throws: DigestError.self) { try DigestCredentials(parsing: base + ", nc=00000001") }
        #expect(noCnonce.message.contains("'cnonce'"))
        let noCount = try #require(throws: DigestError.self) { try DigestCredentials(parsing: base + #", cnonce="c""#) }
        #expect(noCount.message.contains("'nc'"))
        let badCount = try #require(throws: DigestError.self) {
            try DigestCredentials(parsing: base + #", cnonce="c", nc=1"#)
        }
        #expect(badCount.message.contains("8 hexadecimal digits"))
        #expect(try DigestCredentials(parsing: base + #", cnonce="c", nc=0000000A"#).nonceCountValue == 10)
    }

    @Test(
        "malformed header values are rejected",
        arguments: [
            ("", "'Digest' scheme"),
            ("Basic dXNlcjpwYXNz", "'Digest' scheme"),
            ("Digest", "parameters after"),
            (#"Digest username="u"#, "unterminated"),
            (#"Digest username "u""#, "expected '='"),
            (#"Digest username="u" realm="r""#, "expected ','"),
            (#"Digest username="a", username="b""#, "appears twice"),
            (#"Digest ="x""#, "parameter name"),
            (#"Digest username="u", realm="r", nonce="n", uri="x", response="0", algorithm=MD5-sess"#, "not supported"),
            (#"Digest username="u", realm="r", nonce="n", uri="x", response="0", userhash=true"#, "userhash"),
        ])
    func malformed(value: String, expected: String) throws {
        let failure = try #require(throws: DigestError.self) { try DigestCredentials(parsing: value) }
        #expect(failure.message.contains(expected), "\(failure)")
    }

    @Test func tooManyParametersAreRejected() throws {
        let value = "Digest " + (0..<40).map { "p\($0)=1" }.joined(separator: ", ")
        let failure = try #require(throws: DigestError.self) { try DigestCredentials(parsing: value) }
        #expect(failure.message.contains("too many"))
    }

    @Test func clientAnswerMatchesRFC2617Example() {
        let challenge = DigestChallenge(realm: "testrealm@host.com", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093")
        let credentials = DigestCredentials.answering(
            challenge, username: "Mufasa", password: "Circle Of Life", method: "GET", uri: "/dir/index.html",
            cnonce: "0a4f113b")
        #expect(credentials.response == "6629fae49393a05397450978507c4ef1")
        #expect(credentials.nonceCount == "00000001")
        let legacy = DigestCredentials.answering(
            DigestChallenge(realm: "testrealm@host.com", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", qop: []),
            username: "Mufasa", password: "CircleOfLife", method: "GET", uri: "/dir/index.html", cnonce: "unused")
        #expect(legacy.qop == nil && legacy.cnonce == nil)
        #expect(legacy.response == "1949323746fe6a43ef61f9606e7febea")
    }
}
