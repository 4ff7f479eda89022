import Testing

@testable import VPBXSignaling

@Suite("Digest hashes")
struct DigestHashTests {
    @Test func rfc2617Section3_5Example() {
        let ha1 = DigestHash.ha1(
            username: "Mufasa", realm: "testrealm@host.com", password: "Circle Of Life", algorithm: .md5)
        let response = DigestHash.response(
            ha1: ha1, method: "GET", uri: "/dir/index.html", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            nonceCount: "00000001", cnonce: "0a4f113b", algorithm: .md5)
        #expect(response == "6629fae49393a05397450978507c4ef1")
    }

    /// RFC 7616 §3.9.1 gives the same request answered with SHA-256 and with MD5.
    @Test(
        "RFC 7616 §3.9.1 example",
        arguments: [
            (DigestAlgorithm.sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
            (DigestAlgorithm.md5, "8ca523f5e9506fed4657c9700eebdbec"),
        ])
    func rfc7616Example(algorithm: DigestAlgorithm, expected: String) {
        let ha1 = DigestHash.ha1(
            username: "Mufasa", realm: "http-auth@example.org", password: "Circle of Life", algorithm: algorithm)
        let response = DigestHash.response(
            ha1: ha1, method: "GET", uri: "/dir/index.html", nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            nonceCount: "00000001", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", algorithm: algorithm)
        #expect(response == expected)
    }

    @Test func legacyResponseWithoutQOP() {
        // Expected value computed independently with Python's hashlib.
        let ha1 = DigestHash.ha1(
            username: "Mufasa", realm: "testrealm@host.com", password: "CircleOfLife", algorithm: .md5)
        let response = DigestHash.legacyResponse(
            ha1: ha1, method: "GET", uri: "/dir/index.html", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            algorithm: .md5)
        #expect(response == "1949323746fe6a43ef61f9606e7febea")
    }

    @Test func ha1IsLowerCaseHex() {
        let md5 = DigestHash.ha1(username: "alice", realm: "vpbx.example", password: "secret", algorithm: .md5)
        #expect(md5 == "7ab47647d73e5b587f2a7cc32e34f15d")
        let sha = DigestHash.ha1(username: "alice", realm: "vpbx.example", password: "secret", algorithm: .sha256)
        #expect(sha.count == 64)
        #expect(sha.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func constantTimeComparison() {
        #expect(DigestHash.constantTimeEquals("6629fae4", "6629FAE4"))
        #expect(!DigestHash.constantTimeEquals("6629fae4", "6629fae5"))
        #expect(!DigestHash.constantTimeEquals("6629fae4", "6629fae"))
        #expect(!DigestHash.constantTimeEquals("", "0"))
    }

    @Test func algorithmParsing() throws {
        #expect(try DigestAlgorithm(parsing: "md5") == .md5)
        #expect(try DigestAlgorithm(parsing: "sha-256") == .sha256)
        let sess = try #require(throws: DigestError.self) { try DigestAlgorithm(parsing: "MD5-sess") }
        #expect(sess.code == .unsupported)
        #expect(sess.message.contains("expected MD5 or SHA-256"))
        let unknown = try #require(throws: DigestError.self) { try DigestAlgorithm(parsing: "CRC32") }
        #expect(unknown.code == .malformed)
    }
}
