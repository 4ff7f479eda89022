import Foundation
import NIOCore
import Testing
import VPBXSIP

@testable import VPBXNetwork

@Suite("SIP ingress (no sockets)")
struct SIPIngressTests {
    let ingress = SIPIngress(limits: .default)

    private func topVia(_ outcome: SIPIngressOutcome) throws -> Via {
        guard case .deliver(.request(let request)) = outcome else {
            Issue.record("expected a delivered request, got \(outcome)")
            throw TimedOut(description: "no request")
        }
        return try request.headers.topVia()
    }

    @Test func rportRequestGetsReceivedAndRport() throws {
        let outcome = ingress.process(optionsBytes(viaPort: 5060), from: try SocketAddress(ipAddress: "10.0.0.7", port: 40001))
        let via = try topVia(outcome)
        #expect(via.received == "10.0.0.7")
        #expect(via.rport == 40001)
        #expect(via.host == "127.0.0.1")
    }

    @Test func matchingSourceWithoutRportIsLeftAlone() throws {
        let outcome = ingress.process(optionsBytes(viaPort: 5070, rport: false), from: try localhost(5070))
        let via = try topVia(outcome)
        #expect(via.received == nil)
        #expect(!via.hasRport)
    }

    @Test func otherHostWithoutRportGetsReceivedOnly() throws {
        let outcome = ingress.process(optionsBytes(viaPort: 5070, rport: false), from: try SocketAddress(ipAddress: "192.0.2.9", port: 5070))
        let via = try topVia(outcome)
        #expect(via.received == "192.0.2.9")
        #expect(!via.hasRport)
    }

    @Test func otherPortWithoutRportGetsRportToo() throws {
        let outcome = ingress.process(optionsBytes(viaPort: 5070, rport: false), from: try localhost(6000))
        let via = try topVia(outcome)
        #expect(via.received == "127.0.0.1")
        #expect(via.rport == 6000)
    }

    @Test func onlyTheTopViaIsStamped() throws {
        var text = optionsText(viaPort: 5060)
        text = text.replacingOccurrences(of: "Max-Forwards", with: "Via: SIP/2.0/UDP proxy.example:5060;branch=z9hG4bKp;rport\r\nMax-Forwards")
        let outcome = ingress.process(Array(text.utf8), from: try SocketAddress(ipAddress: "10.0.0.7", port: 40001))
        guard case .deliver(.request(let request)) = outcome else { Issue.record("not delivered"); return }
        let vias = try request.headers.vias()
        #expect(vias.count == 2)
        #expect(vias[0].rport == 40001)
        #expect(vias[1].received == nil && vias[1].rport == nil)
    }

    @Test func badRequestIsAnswered400WithTheParserMessage() throws {
        let outcome = ingress.process(optionsBytes(viaPort: 5060, cseq: "abc OPTIONS"), from: try localhost(5060))
        guard case .answer(let response, _) = outcome else { Issue.record("not answered: \(outcome)"); return }
        #expect(response.statusCode == 400)
        #expect(response.reason.contains("CSeq"))
        #expect(response.headers.callID == "call-1")
        #expect(try response.headers.to().tag != nil)
    }

    @Test func badRequestWithoutCallIDIsDropped() throws {
        let text = optionsText(viaPort: 5060).replacingOccurrences(of: "Call-ID: call-1\r\n", with: "")
        guard case .drop(let error) = ingress.process(Array(text.utf8), from: try localhost(5060)) else {
            Issue.record("expected a drop"); return
        }
        #expect(error.kind == .badRequest)
    }

    @Test func badAckIsNeverAnswered() throws {
        let text = optionsText(viaPort: 5060, cseq: "1 ACK").replacingOccurrences(of: "OPTIONS sip:", with: "ACK sip:")
            .replacingOccurrences(of: "SIP/2.0\r\nVia", with: "SIP/3.0\r\nVia")
        guard case .drop = ingress.process(Array(text.utf8), from: try localhost(5060)) else {
            Issue.record("expected a drop"); return
        }
    }

    @Test func malformedResponseIsDroppedNotAnswered() throws {
        let text = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx\r\nContent-Length: 99\r\n\r\n"
        guard case .drop(let error) = ingress.process(Array(text.utf8), from: try localhost(5060)) else {
            Issue.record("expected a drop"); return
        }
        #expect(error.kind == .unparseable)
    }

    @Test func crlfOnlyIsAKeepAlive() throws {
        guard case .keepAlive = ingress.process([13, 10, 13, 10], from: try localhost(5060)) else {
            Issue.record("expected a keep-alive"); return
        }
    }

    @Test func reasonPhraseIsOneSanitisedLine() {
        let reason = SIPParseErrorResponder.reasonPhrase("header 'X' is bad:\r\nInjected: yes\u{7}  \t end")
        #expect(reason == "header 'X' is bad: Injected: yes end")
        #expect(SIPParseErrorResponder.reasonPhrase("\r\n") == "Bad Request")
        #expect(SIPParseErrorResponder.reasonPhrase(String(repeating: "x", count: 1000)).count == SIPParseErrorResponder.maxReasonLength)
    }
}
