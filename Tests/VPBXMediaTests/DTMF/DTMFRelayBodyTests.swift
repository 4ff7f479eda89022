import Testing
import VPBXRTP

@testable import VPBXMedia

@Suite("SIP INFO DTMF bodies")
struct DTMFRelayBodyTests {
    @Test func relayBodyWithDuration() {
        let body = DTMFRelayBody(contentType: "application/dtmf-relay", body: "Signal=5\r\nDuration=160\r\n")
        #expect(body == DTMFRelayBody(digit: .five, durationMilliseconds: 160))
    }

    @Test func spacingCaseAndParametersAreTolerated() {
        let body = DTMFRelayBody(
            contentType: "Application/DTMF-Relay; charset=utf-8", body: "signal = #\nDURATION= 250\nVolume=10\n")
        #expect(body == DTMFRelayBody(digit: .pound, durationMilliseconds: 250))
        #expect(DTMFRelayBody(contentType: "application/dtmf-relay", body: "Signal=a")?.digit == .a)
    }

    @Test func eventCodesForStarAndPound() {
        #expect(DTMFRelayBody(contentType: "application/dtmf-relay", body: "Signal=10\r\n")?.digit == .star)
        #expect(DTMFRelayBody(contentType: "application/dtmf-relay", body: "Signal=11\r\n")?.digit == .pound)
    }

    @Test func plainDTMFBody() {
        #expect(DTMFRelayBody(contentType: "application/dtmf", body: "7\r\n") == DTMFRelayBody(digit: .seven))
        #expect(DTMFRelayBody(contentType: "application/dtmf", body: "77") == nil)
    }

    @Test func badBodiesAreNil() {
        #expect(DTMFRelayBody(contentType: "application/dtmf-relay", body: "Duration=100") == nil)
        #expect(DTMFRelayBody(contentType: "application/dtmf-relay", body: "Signal=X\r\n") == nil)
        #expect(DTMFRelayBody(contentType: "application/dtmf-relay", body: "Signal=16") == nil)  // flash
        #expect(DTMFRelayBody(contentType: "application/dtmf-relay", body: "") == nil)
        #expect(DTMFRelayBody(contentType: "application/sdp", body: "Signal=1") == nil)
        #expect(
            DTMFRelayBody(contentType: "application/dtmf-relay", body: "Signal=1\nDuration=-5")?.durationMilliseconds
                == nil)
    }

    @Test func relayTextRoundTrips() {
        let body = DTMFRelayBody(digit: .star, durationMilliseconds: 200)
        #expect(body.relayText == "Signal=*\r\nDuration=200\r\n")
        #expect(DTMFRelayBody(contentType: "application/dtmf-relay", body: body.relayText) == body)
    }
}
