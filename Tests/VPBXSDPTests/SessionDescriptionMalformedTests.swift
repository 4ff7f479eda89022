import Testing

@testable import VPBXSDP

@Suite("SDP malformed input")
struct SessionDescriptionMalformedTests {
    private func error(_ text: String) -> SDPError? {
        do {
            _ = try SessionDescription(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func garbageNamesTheLine() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nthis is not sdp\r\n"
        let failure = try #require(error(text))
        #expect(failure.code == .malformedLine)
        #expect(failure.lineNumber == 4)
        #expect(failure.description.contains("line 4"))
        #expect(failure.description.contains("this is not sdp"))
        #expect(failure.sipStatusCode == 400)
    }

    @Test func emptyBody() throws {
        let failure = try #require(error(""))
        #expect(failure.code == .missingField)
        #expect(failure.description.contains("v=0"))
    }

    @Test func firstLineMustBeVersion() throws {
        let failure = try #require(error("o=- 1 1 IN IP4 10.0.0.1\r\nv=0\r\n"))
        #expect(failure.code == .missingField)
        #expect(failure.lineNumber == 1)
    }

    @Test func unsupportedVersion() throws {
        #expect(error("v=1\r\no=- 1 1 IN IP4 10.0.0.1\r\n")?.code == .invalidValue)
    }

    @Test func missingOrigin() throws {
        let failure = try #require(error("v=0\r\ns=-\r\nt=0 0\r\n"))
        #expect(failure.code == .missingField)
        #expect(failure.message.contains("'o='"))
    }

    @Test(
        "malformed known lines are rejected with their line number",
        arguments: [
            ("o=- 1 IN IP4 10.0.0.1", "6 fields"),
            ("o=- 1 x IN IP4 10.0.0.1", "session version"),
            ("c=IN IP4", "3 fields"),
            ("t=now later", "'t='"),
            ("m=audio", "'m='"),
            ("m=audio 70000 RTP/AVP 0", "0 to 65535"),
            ("m=audio -1 RTP/AVP 0", "0 to 65535"),
            ("m=audio 5000/0 RTP/AVP 0", "port count"),
            ("m=audio 5000/ RTP/AVP 0", "port count"),
            ("m=audio 5000/2/3 RTP/AVP 0", "0 to 65535"),
            ("m=audio /2 RTP/AVP 0", "0 to 65535"),
            ("o=- 1 99999999999999999999 IN IP4 10.0.0.1", "session version"),
            ("a=", "'a='"),
            ("a=:value", "'a='"),
            ("r=7d 1h", "'r='"),
            ("1=one", "'<letter>=<value>'"),
            ("=value", "'<letter>=<value>'"),
            ("x", "'<letter>=<value>'"),
            ("é=accent", "'<letter>=<value>'"),
            ("@=at", "'<letter>=<value>'"),
            ("ab=two letters", "'<letter>=<value>'"),
        ])
    func malformedLine(line: String, expected: String) throws {
        let text = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n\(line)\r\n"
        let failure: SDPError
        if line.hasPrefix("o=") {
            // A second o= would be rejected for duplication; test the bad one in place.
            failure = try #require(error("v=0\r\ns=-\r\n\(line)\r\n"))
            #expect(failure.lineNumber == 3)
        } else {
            failure = try #require(error(text))
            #expect(failure.lineNumber == 4)
        }
        #expect(failure.message.contains(expected), "\(failure)")
    }

    @Test func duplicateVersionOrOrigin() {
        #expect(error("v=0\r\nv=0\r\n")?.code == .malformedLine)
        #expect(error("v=0\r\no=- 1 1 IN IP4 a\r\no=- 1 1 IN IP4 a\r\n")?.code == .malformedLine)
    }

    @Test func binaryNoiseIsRejectedNotTrapped() {
        let noise = String(decoding: (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) }, as: UTF8.self)
        #expect(error(noise) != nil)
    }
}
