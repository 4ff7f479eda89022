import Testing

@testable import VPBXSDP

/// `a=crypto` lines (SDES, RFC 4568) and the offers and answers of a terminated SRTP leg.
@Suite("SDP: SDES key lines")
struct SDESCryptoTests {
    static let key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"

    static func body(_ profile: String, _ attributes: [String]) -> String {
        ([
            "v=0", "o=- 1 1 IN IP4 192.0.2.10", "s=-", "c=IN IP4 192.0.2.10", "t=0 0",
            "m=audio 4000 \(profile) 8 101", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
        ] + attributes.map { "a=\($0)" } + ["a=sendrecv", ""]).joined(separator: "\r\n")
    }

    @Test("a line's tag, suite, key and parameters are read and written back as they were")
    func roundTrip() throws {
        let text = "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.key)|2^20|1:4;inline:\(Self.key) KDR=1 UNENCRYPTED_SRTCP"
        let line = try #require(SDESCrypto(attributeValue: text))
        #expect(line.tag == 1 && line.suite == "AES_CM_128_HMAC_SHA1_80")
        #expect(line.keyParameters.count == 2 && line.sessionParameters == ["KDR=1", "UNENCRYPTED_SRTCP"])
        #expect(line.attributeValue == text)
        // Two keys, session parameters: nothing the engine takes.
        #expect(line.simpleInlineKey == nil)
    }

    @Test("the one key the engine takes: inline, an optional lifetime, no MKI, no session parameters")
    func simpleKeys() {
        #expect(
            SDESCrypto(attributeValue: "2 AES_CM_128_HMAC_SHA1_32 inline:\(Self.key)")?.simpleInlineKey == Self.key[...]
        )
        #expect(
            SDESCrypto(attributeValue: "2 AES_CM_128_HMAC_SHA1_32 INLINE:\(Self.key)|2^31")?.simpleInlineKey
                == Self.key[...])
        #expect(SDESCrypto(attributeValue: "2 AES_CM_128_HMAC_SHA1_32 inline:\(Self.key)|1:4")?.simpleInlineKey == nil)
        #expect(
            SDESCrypto(attributeValue: "2 AES_CM_128_HMAC_SHA1_32 inline:\(Self.key)|2^31|1:4")?.simpleInlineKey == nil)
        #expect(
            SDESCrypto(attributeValue: "2 AES_CM_128_HMAC_SHA1_32 uri:https://example.com/k")?.simpleInlineKey == nil)
        #expect(SDESCrypto(attributeValue: "2 AES_CM_128_HMAC_SHA1_32 inline:")?.simpleInlineKey == nil)
    }

    @Test("malformed lines are not lines: no tag, a tag of ten digits, a missing key")
    func malformed() {
        for text in [
            "", "AES_CM_128_HMAC_SHA1_80 inline:x", "1234567890 AES_CM_128_HMAC_SHA1_80 inline:x",
            "1 AES_CM_128_HMAC_SHA1_80", "-1 A inline:x", "x y z",
        ] {
            #expect(SDESCrypto(attributeValue: text) == nil, "\(text)")
        }
    }

    @Test(
        "without SDES: the plain twin of the profile, no key lines, the rest as it was; secured again: the phone's profile and one line"
    )
    func plainAndSecured() throws {
        let offer = try SessionDescription(
            parsing: Self.body(
                "RTP/SAVP",
                [
                    "crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.key)",
                    "crypto:2 AES_CM_128_HMAC_SHA1_32 inline:\(Self.key)",
                ]))
        #expect(offer.media[0].sdesCryptos.map(\.tag) == [1, 2])
        let plain = offer.withoutSDES()
        #expect(plain.media[0].proto == "RTP/AVP" && plain.media[0].sdesCryptos.isEmpty)
        #expect(!plain.media[0].carriesEncryptedMedia)
        #expect(
            plain.media[0].formats == offer.media[0].formats
                && plain.media[0].attributes.count == offer.media[0].attributes.count - 2)
        let feedback = try SessionDescription(parsing: Self.body("RTP/SAVPF", [])).withoutSDES()
        #expect(feedback.media[0].proto == "RTP/AVPF")
        let secured = plain.securedWithSDES(
            profile: "RTP/SAVP", crypto: SDESCrypto(tag: 2, suite: "AES_CM_128_HMAC_SHA1_32", inlineKey: "abc"))
        #expect(secured.media[0].proto == "RTP/SAVP")
        #expect(secured.media[0].sdesCryptos.map(\.attributeValue) == ["2 AES_CM_128_HMAC_SHA1_32 inline:abc"])
        #expect(try SessionDescription(parsing: secured.serialized()) == secured)
    }

    @Test("DTLS is told apart from SDES: a fingerprint or a UDP/TLS profile")
    func dtls() throws {
        #expect(try SessionDescription(parsing: Self.body("UDP/TLS/RTP/SAVPF", [])).media[0].usesDTLS)
        #expect(try SessionDescription(parsing: Self.body("RTP/SAVP", ["fingerprint:sha-256 AB:CD"])).media[0].usesDTLS)
        #expect(
            try !SessionDescription(
                parsing: Self.body("RTP/SAVP", ["crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.key)"])
            ).media[0].usesDTLS)
    }
}
