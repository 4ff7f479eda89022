import Testing
import VPBXTestSupport

@testable import VPBXSRTP

/// What arrives on an SRTP phone's port is anyone's: random bytes, cut packets, headers that
/// claim more than they carry. None of it may crash, and none of it may pass.
@Suite("SRTP: garbage in")
struct SRTPGarbageTests {
    @Test(
        "random datagrams and mangled genuine packets are refused (never accepted, never a crash); the genuine packet still passes afterwards"
    )
    func garbageIsRefused() throws {
        let parameters = SRTPParameters(suite: .aesCM128HmacSHA1_80, master: .random())
        let sender = SRTPSender(parameters)
        let receiver = SRTPReceiver(parameters)
        var generator = SeededGenerator(seed: 54)
        var plain = [UInt8](repeating: 0xD5, count: 172)
        plain[0] = 0x80
        let genuine = try #require(plain.withUnsafeBytes { sender.protectRTP($0) })
        var rtcpPlain: [UInt8] = [0x80, 200, 0, 6] + [UInt8](repeating: 7, count: 24)
        rtcpPlain[4] = 1
        let genuineRTCP = try #require(rtcpPlain.withUnsafeBytes { sender.protectRTCP($0) })
        for round in 0..<5_000 {
            let length = Int.random(in: 0...300, using: &generator)
            var random = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half of them look like RTP version 2, some with the extension bit and CSRCs.
            if round % 2 == 0, !random.isEmpty { random[0] = 0x80 | (random[0] & 0x3F) }
            random.withUnsafeBytes { bytes in
                #expect(!isAccepted(receiver.unprotectRTP(bytes)), "round \(round)")
                #expect(!isAccepted(receiver.unprotectRTCP(bytes)), "round \(round)")
                _ = sender.protectRTP(bytes)
                _ = sender.protectRTCP(bytes)
            }
            // A genuine packet with some bytes changed or cut short.
            var mangled = round % 3 == 0 ? genuineRTCP : genuine
            if Bool.random(using: &generator) {
                mangled.removeLast(Int.random(in: 1...mangled.count, using: &generator))
            } else {
                let index = Int.random(in: 0..<mangled.count, using: &generator)
                mangled[index] ^= UInt8.random(in: 1...255, using: &generator)
            }
            mangled.withUnsafeBytes { bytes in
                #expect(
                    !isAccepted(round % 3 == 0 ? receiver.unprotectRTCP(bytes) : receiver.unprotectRTP(bytes)),
                    "round \(round)")
            }
        }
        #expect(genuine.withUnsafeBytes { receiver.unprotectRTP($0) } == .success(plain))
        #expect(genuineRTCP.withUnsafeBytes { receiver.unprotectRTCP($0) } == .success(rtcpPlain))
    }

    @Test("a header whose CSRC count and extension length point past the end is malformed, not read past")
    func headerPointingPastTheEnd() {
        let receiver = SRTPReceiver(SRTPParameters(suite: .aesCM128HmacSHA1_32, master: .random()))
        // 15 CSRCs claimed in a 30-byte packet; an extension of 65,535 words in 24 bytes.
        let csrcs: [UInt8] = [0x8F, 0] + [UInt8](repeating: 1, count: 28)
        let extensionHeader: [UInt8] =
            [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 8)
        for packet in [csrcs, extensionHeader] {
            #expect(packet.withUnsafeBytes { receiver.unprotectRTP($0) } == .failure(.malformed))
            #expect(packet.withUnsafeBytes { SRTPPacketLayout.rtpHeaderLength($0) } == nil)
        }
    }

    private func isAccepted(_ result: Result<[UInt8], SRTPRejection>) -> Bool {
        if case .success = result { return true }
        return false
    }
}
