// Offers written for these tests in the style of common SIP user agents. They are not
// captures: they reproduce the features each family is known to send.

/// Joins lines with CRLF, as on the wire.
func crlf(_ lines: String...) -> String {
    lines.map { $0 + "\r\n" }.joined()
}

enum SampleOffers {
    /// A desk phone (Yealink style): static types with rtpmaps, G.729 fmtp, events last.
    static let deskPhone = crlf(
        "v=0",
        "o=- 20039 20039 IN IP4 192.168.1.50",
        "s=SDP data",
        "c=IN IP4 192.168.1.50",
        "t=0 0",
        "m=audio 11796 RTP/AVP 0 8 9 18 101",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:18 G729/8000",
        "a=fmtp:18 annexb=no",
        "a=ptime:20",
        "a=sendrecv",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-15")

    /// A conference phone (Polycom style): wideband first, session-level direction, b= line.
    static let conferencePhone = crlf(
        "v=0",
        "o=- 1700000000 1700000000 IN IP4 10.0.0.21",
        "s=Polycom IP Phone",
        "c=IN IP4 10.0.0.21",
        "b=AS:512",
        "t=0 0",
        "a=sendrecv",
        "m=audio 2222 RTP/AVP 9 102 0 8 127",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:102 G7221/16000",
        "a=fmtp:102 bitrate=32000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:127 telephone-event/8000")

    /// A softphone (Linphone style): ICE, rtcp, several telephone-event rates, and video.
    static let softphone = crlf(
        "v=0",
        "o=alice 3456 789 IN IP4 192.168.0.12",
        "s=Talk",
        "c=IN IP4 192.168.0.12",
        "t=0 0",
        "a=ice-pwd:31ec21eb38b2ec6d36e8dc7b",
        "a=ice-ufrag:e4cc12a8",
        "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics",
        "m=audio 7078 RTP/AVP 96 97 98 0 8 101 99 100",
        "a=rtpmap:96 opus/48000/2",
        "a=fmtp:96 useinbandfec=1",
        "a=rtpmap:97 SILK/16000",
        "a=rtpmap:98 speex/16000",
        "a=fmtp:98 vbr=on",
        "a=rtpmap:101 telephone-event/48000",
        "a=rtpmap:99 telephone-event/16000",
        "a=rtpmap:100 telephone-event/8000",
        "a=rtcp:7079",
        "a=candidate:1 1 UDP 2130706431 192.168.0.12 7078 typ host",
        "a=candidate:2 1 UDP 1694498815 203.0.113.7 40123 typ srflx raddr 192.168.0.12 rport 7078",
        "a=rtcp-fb:* trr-int 1000",
        "m=video 9078 RTP/AVP 102",
        "a=rtpmap:102 VP8/90000",
        "a=rtcp-fb:102 nack pli")

    /// A load generator (sipp style): minimal, one static codec, LF line ends.
    static let loadGenerator = """
        v=0
        o=user1 53655765 2353687637 IN IP4 127.0.0.1
        s=-
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio 6000 RTP/AVP 0
        a=rtpmap:0 PCMU/8000

        """

    /// An old-style hold (RFC 2543): connection address 0.0.0.0, no direction attribute.
    static let holdByAddress = crlf(
        "v=0",
        "o=- 20039 20040 IN IP4 192.168.1.50",
        "s=-",
        "c=IN IP4 0.0.0.0",
        "t=0 0",
        "m=audio 11796 RTP/AVP 8 101",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:101 telephone-event/8000")

    /// A trunk offering only codecs we do not support.
    static let g729Only = crlf(
        "v=0",
        "o=carrier 1 1 IN IP4 198.51.100.10",
        "s=-",
        "c=IN IP4 198.51.100.10",
        "t=0 0",
        "m=audio 30000 RTP/AVP 18 101",
        "a=rtpmap:18 G729/8000",
        "a=rtpmap:101 telephone-event/8000")
}
