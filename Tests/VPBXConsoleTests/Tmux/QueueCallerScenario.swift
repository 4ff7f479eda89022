import Foundation

/// A sipp caller with a name and a Hungarian mobile number, for the agent screen's screen
/// pop (sipp's built-in `uac` calls as "sipp"): INVITE, the answer, `-d` ms of silence, BYE.
enum QueueCallerScenario {
    static let number = "06301234567"
    static let name = "Kiss Peter"

    /// Writes the scenario into `directory` and returns its file.
    static func write(into directory: URL) throws -> URL {
        let file = directory.appendingPathComponent("queue-caller.xml")
        try xml.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    private static let from = "\"\(name)\" <sip:\(number)@[local_ip]:[local_port]>;tag=[pid]q[call_number]"

    private static let xml = """
        <?xml version="1.0" encoding="UTF-8" ?>
        <scenario name="queue-caller">
          <send retrans="500"><![CDATA[
        INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];rport;branch=[branch]
        From: \(from)
        To: <sip:[service]@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        CSeq: 1 INVITE
        Contact: <sip:\(number)@[local_ip]:[local_port]>
        Max-Forwards: 70
        Content-Type: application/sdp
        Content-Length: [len]

        v=0
        o=- 1 1 IN IP[local_ip_type] [local_ip]
        s=-
        c=IN IP[media_ip_type] [media_ip]
        t=0 0
        m=audio [media_port] RTP/AVP 8
        a=rtpmap:8 PCMA/8000
          ]]></send>
          <recv response="100" optional="true"/>
          <recv response="180" optional="true"/>
          <recv response="183" optional="true"/>
          <recv response="200" rrs="true" timeout="20000"/>
          <send><![CDATA[
        ACK [next_url] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];rport;branch=[branch]
        From: \(from)
        To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
        Call-ID: [call_id]
        [routes]
        CSeq: 1 ACK
        Max-Forwards: 70
        Content-Length: 0
          ]]></send>
          <pause/>
          <send retrans="500"><![CDATA[
        BYE [next_url] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];rport;branch=[branch]
        From: \(from)
        To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
        Call-ID: [call_id]
        [routes]
        CSeq: 2 BYE
        Max-Forwards: 70
        Content-Length: 0
          ]]></send>
          <recv response="200" timeout="10000"/>
        </scenario>
        """
}
