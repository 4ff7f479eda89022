import Testing

@testable import VPBXSRTP

private func bytes(_ hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}

private let libsrtpMaster = SRTPKeyMaterial(
    key: Array(bytes(LibsrtpVectors.master)[..<16]), salt: Array(bytes(LibsrtpVectors.master)[16...]))!

@Suite("SRTP key derivation (RFC 3711 B.3)")
struct SRTPKeyDerivationTests {
    @Test("the RFC's master key and salt give its session key, salt and first authentication key bytes")
    func rfcVector() {
        let master = SRTPKeyMaterial(
            key: bytes("E1F97A0D3E018BE0D64FA32C06DE4139"), salt: bytes("0EC675AD498AFEEBB6960B3AABE6"))!
        #expect(SRTPSessionKeys.derive(master, label: 0, length: 16) == bytes("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(SRTPSessionKeys.derive(master, label: 2, length: 14) == bytes("30CBBC08863D8C85D49DB34A9AE1"))
        #expect(
            SRTPSessionKeys.derive(master, label: 1, length: 20) == bytes("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
    }

    @Test("AES-CM's keystream from the RFC's session key and salt (B.2)")
    func keystream() {
        let key = bytes("2B7E151628AED2A6ABF7158809CF4F3C")
        let block = SRTPPacketLayout.counterBlock(salt: bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), ssrc: 0, index: 0)
        #expect(block.bytes == bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"))
        let stream = AESCounterMode.keystream(key: .init(data: key), nonce: block.nonce, length: 48)
        #expect(
            stream
                == bytes(
                    "E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB41E95B3BB0A2E8DD477901E4FCA894C0"))
    }

    @Test("key material travels as base64 of 30 bytes; anything else is refused")
    func base64() {
        let material = SRTPKeyMaterial.random()
        #expect(SRTPKeyMaterial(base64: material.base64) == material)
        #expect(material.base64.count == 40)
        #expect(SRTPKeyMaterial.random() != material)
        #expect(SRTPKeyMaterial(base64: "not base64!") == nil)
        #expect(SRTPKeyMaterial(base64: "AAAA") == nil)
    }
}

@Suite("SRTP packets against libsrtp")
struct SRTPPacketTests {
    static let cases: [(SRTPSuite, [(plain: String, protected: String)], [(plain: String, protected: String)])] = [
        (.aesCM128HmacSHA1_80, LibsrtpVectors.sha1_80RTP, LibsrtpVectors.sha1_80RTCP),
        (.aesCM128HmacSHA1_32, LibsrtpVectors.sha1_32RTP, LibsrtpVectors.sha1_32RTCP),
    ]

    @Test(
        "protected RTP and RTCP are byte for byte libsrtp's, across a sequence number wrap, with CSRCs and an extension",
        arguments: [0, 1])
    func protect(_ which: Int) {
        let (suite, rtp, rtcp) = Self.cases[which]
        let sender = SRTPSender(SRTPParameters(suite: suite, master: libsrtpMaster))
        for packet in rtp {
            #expect(
                bytes(packet.plain).withUnsafeBytes { sender.protectRTP($0) } == bytes(packet.protected),
                "\(suite) \(packet.plain.prefix(24))")
        }
        for packet in rtcp {
            #expect(
                bytes(packet.plain).withUnsafeBytes { sender.protectRTCP($0) } == bytes(packet.protected),
                "\(suite) RTCP")
        }
    }

    @Test("libsrtp's packets decrypt to the plain ones; a second copy is a replay", arguments: [0, 1])
    func unprotect(_ which: Int) {
        let (suite, rtp, rtcp) = Self.cases[which]
        let receiver = SRTPReceiver(SRTPParameters(suite: suite, master: libsrtpMaster))
        for packet in rtp {
            #expect(
                bytes(packet.protected).withUnsafeBytes { receiver.unprotectRTP($0) } == .success(bytes(packet.plain)))
        }
        #expect(bytes(rtp[2].protected).withUnsafeBytes { receiver.unprotectRTP($0) } == .failure(.replayed))
        for packet in rtcp {
            #expect(
                bytes(packet.protected).withUnsafeBytes { receiver.unprotectRTCP($0) } == .success(bytes(packet.plain)))
        }
        #expect(bytes(rtcp[0].protected).withUnsafeBytes { receiver.unprotectRTCP($0) } == .failure(.replayed))
    }

    @Test(
        "in place: libsrtp's bytes within a buffer with room for the tag; no room or a forgery leaves the bytes as they were",
        arguments: [0, 1])
    func inPlace(_ which: Int) {
        let (suite, rtp, rtcp) = Self.cases[which]
        let parameters = SRTPParameters(suite: suite, master: libsrtpMaster)
        let sender = SRTPSender(parameters)
        let receiver = SRTPReceiver(parameters)
        for (packet, isControl) in rtp.map({ ($0, false) }) + rtcp.map({ ($0, true) }) {
            let plain = bytes(packet.plain)
            let protected = bytes(packet.protected)
            // Exactly one byte short of the room the tag needs: refused, unchanged.
            var tight = plain + [UInt8](repeating: 0, count: protected.count - plain.count - 1)
            let refused = tight.withUnsafeMutableBytes {
                isControl ? sender.protectRTCP(inPlace: $0, length: plain.count) : sender.protectRTP(inPlace: $0, length: plain.count)
            }
            #expect(refused == nil)
            #expect(Array(tight.prefix(plain.count)) == plain)

            var buffer = plain + [UInt8](repeating: 0xEE, count: SRTPSender.maximumExpansion + 3)
            let length = buffer.withUnsafeMutableBytes {
                isControl ? sender.protectRTCP(inPlace: $0, length: plain.count) : sender.protectRTP(inPlace: $0, length: plain.count)
            }
            #expect(length == protected.count)
            #expect(Array(buffer.prefix(protected.count)) == protected, "\(suite) \(isControl ? "RTCP" : "RTP")")

            var forged = protected
            forged[forged.count - 1] ^= 0x01
            let rejected = forged.withUnsafeMutableBytes {
                isControl ? receiver.unprotectRTCP(inPlace: $0) : receiver.unprotectRTP(inPlace: $0)
            }
            #expect(rejected == .failure(.authenticationFailed))
            #expect(Array(forged.dropLast()) == Array(protected.dropLast()))

            var received = protected
            let plainLength = received.withUnsafeMutableBytes {
                isControl ? receiver.unprotectRTCP(inPlace: $0) : receiver.unprotectRTP(inPlace: $0)
            }
            #expect(plainLength == .success(plain.count))
            #expect(Array(received.prefix(plain.count)) == plain)
        }
    }

    @Test("a changed byte, another key or a cut packet is refused and moves nothing")
    func forgeries() {
        let packet = LibsrtpVectors.sha1_80RTP[0]
        let receiver = SRTPReceiver(SRTPParameters(suite: .aesCM128HmacSHA1_80, master: libsrtpMaster))
        var changed = bytes(packet.protected)
        changed[20] ^= 0x01
        #expect(changed.withUnsafeBytes { receiver.unprotectRTP($0) } == .failure(.authenticationFailed))
        let stranger = SRTPReceiver(SRTPParameters(suite: .aesCM128HmacSHA1_80, master: .random()))
        #expect(
            bytes(packet.protected).withUnsafeBytes { stranger.unprotectRTP($0) } == .failure(.authenticationFailed))
        #expect(
            Array(bytes(packet.protected).prefix(15)).withUnsafeBytes { receiver.unprotectRTP($0) }
                == .failure(.malformed))
        #expect([UInt8](repeating: 0, count: 40).withUnsafeBytes { receiver.unprotectRTP($0) } == .failure(.malformed))
        var rtcp = bytes(LibsrtpVectors.sha1_80RTCP[0].protected)
        rtcp[rtcp.count - 1] ^= 0x80
        #expect(rtcp.withUnsafeBytes { receiver.unprotectRTCP($0) } == .failure(.authenticationFailed))
        // The forgeries did not count: the genuine packet still decrypts.
        #expect(bytes(packet.protected).withUnsafeBytes { receiver.unprotectRTP($0) } == .success(bytes(packet.plain)))
    }

    @Test(
        "what one side protects the other unprotects, late and reordered packets included; the sender refuses to reuse an index"
    )
    func roundTrip() throws {
        let parameters = SRTPParameters(suite: .aesCM128HmacSHA1_32, master: .random())
        let sender = SRTPSender(parameters)
        let receiver = SRTPReceiver(parameters)
        var protected: [[UInt8]] = []
        var plain: [[UInt8]] = []
        for sequence in [UInt16](65_530...65_535) + [0, 1, 2, 3] {
            let packet =
                [0x80, 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0, 0, 0, 1, 0x12, 0x34, 0x56, 0x78]
                + [UInt8](repeating: UInt8(sequence & 0xFF), count: 20)
            plain.append(packet)
            protected.append(try #require(packet.withUnsafeBytes { sender.protectRTP($0) }))
        }
        #expect(plain[3].withUnsafeBytes { sender.protectRTP($0) } == nil)
        // Delivered out of order: the last before the wrap arrives after it.
        for position in [0, 1, 2, 3, 4, 6, 7, 5, 9, 8] {
            #expect(
                protected[position].withUnsafeBytes { receiver.unprotectRTP($0) } == .success(plain[position]),
                "\(position)")
        }
    }
}
