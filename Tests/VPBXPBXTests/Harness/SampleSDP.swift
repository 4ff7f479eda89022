import VPBXSDP
import VPBXSIP
import VPBXSRTP

/// SDP bodies phones send, and reading the engine's.
enum SampleSDP {
    static func body(host: String, port: Int, direction: String = "sendrecv") -> String {
        [
            "v=0", "o=- 1 1 IN IP4 \(host)", "s=-", "c=IN IP4 \(host)", "t=0 0",
            "m=audio \(port) RTP/AVP 0 8 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=\(direction)", "",
        ].joined(separator: "\r\n")
    }

    /// An answer in G.722 only: a codec the engine has no music on hold for.
    static func g722(host: String, port: Int, direction: String = "sendrecv") -> String {
        [
            "v=0", "o=- 2 2 IN IP4 \(host)", "s=-", "c=IN IP4 \(host)", "t=0 0",
            "m=audio \(port) RTP/AVP 9 101", "a=rtpmap:9 G722/8000", "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-16", "a=\(direction)", "",
        ].joined(separator: "\r\n")
    }

    /// `sdp` as an SRTP phone sends it (SDES, RFC 4568): under `profile` (`RTP/AVP` for a
    /// best-effort offer) with one key line right after the media line, whatever its direction.
    static func secured(
        _ sdp: String, key: SRTPKeyMaterial, tag: Int = 1, suite: String = "AES_CM_128_HMAC_SHA1_80",
        profile: String = "RTP/SAVP"
    ) -> String {
        var lines = sdp.components(separatedBy: "\r\n")
        guard let media = lines.firstIndex(where: { $0.hasPrefix("m=audio") }) else { return sdp }
        lines[media] = lines[media].replacingOccurrences(of: "RTP/AVP ", with: "\(profile) ")
        lines.insert("a=crypto:\(tag) \(suite) inline:\(key.base64)", at: media + 1)
        return lines.joined(separator: "\r\n")
    }

    /// The session description a message carries, if any.
    static func parse(_ body: [UInt8]) -> SessionDescription? {
        guard !body.isEmpty else { return nil }
        return try? SessionDescription(parsing: String(decoding: body, as: UTF8.self))
    }

    /// Where a message's SDP asks for RTP: (connection address, audio port).
    static func endpoint(of response: SIPResponse) -> (address: String, port: Int)? {
        guard response.headers.contentType == "application/sdp" else { return nil }
        return parse(response.body)?.audioEndpoint
    }

    static func endpoint(of request: SIPRequest) -> (address: String, port: Int)? {
        guard request.headers.contentType == "application/sdp" else { return nil }
        return parse(request.body)?.audioEndpoint
    }
}
