import Foundation
import VPBXMedia
import VPBXRTP

/// Writes a pcap file of RTP packets carrying a G.711 A-law sine, for sipp's
/// `play_pcap_audio`: the way to make a sipp caller "say" something whose frequency a test
/// can then look for in a recording.
enum TonePCAP {
    /// `seconds` of `frequency` Hz at -10 dBm0 or so, 20 ms per packet, payload type 8.
    static func write(to url: URL, frequency: Double, seconds: Double) throws {
        var file = Data()
        func le32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { file.append(contentsOf: $0) } }
        func le16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { file.append(contentsOf: $0) } }
        // Global header: microsecond timestamps, version 2.4, Ethernet frames.
        le32(0xA1B2_C3D4)
        le16(2)
        le16(4)
        le32(0)
        le32(0)
        le32(65_535)
        le32(1)
        let packets = Int(seconds * 50)
        for index in 0..<packets {
            var payload = [UInt8](repeating: 0, count: 160)
            for sample in 0..<160 {
                let n = Double(index * 160 + sample)
                let value = 10_000 * sin(2 * Double.pi * frequency * n / 8000)
                payload[sample] = G711.Law.alaw.encode(Int16(value))
            }
            var rtp: [UInt8] = [0x80, index == 0 ? 0x88 : 0x08]
            rtp += withUnsafeBytes(of: UInt16(index).bigEndian, Array.init)
            rtp += withUnsafeBytes(of: UInt32(index * 160).bigEndian, Array.init)
            rtp += withUnsafeBytes(of: UInt32(0x5EED_0001).bigEndian, Array.init)
            rtp += payload
            let udpLength = 8 + rtp.count
            var frame: [UInt8] = Array(repeating: 0, count: 12) + [0x08, 0x00]  // Ethernet, IPv4
            let ipLength = 20 + udpLength
            frame += [0x45, 0x00] + withUnsafeBytes(of: UInt16(ipLength).bigEndian, Array.init)
            frame += [0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]
            frame += withUnsafeBytes(of: UInt16(40_000).bigEndian, Array.init)
            frame += withUnsafeBytes(of: UInt16(40_002).bigEndian, Array.init)
            frame += withUnsafeBytes(of: UInt16(udpLength).bigEndian, Array.init) + [0, 0]
            frame += rtp
            let microseconds = index * 20_000
            le32(UInt32(microseconds / 1_000_000))
            le32(UInt32(microseconds % 1_000_000))
            le32(UInt32(frame.count))
            le32(UInt32(frame.count))
            file.append(contentsOf: frame)
        }
        try file.write(to: url)
    }
}
