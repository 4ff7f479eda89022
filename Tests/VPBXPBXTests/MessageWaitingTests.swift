import Foundation
import Testing
import VPBXSIP
import VPBXSignaling

@testable import VPBXPBX

@Suite("Message-waiting indication (RFC 3842)")
struct MessageWaitingTests {
    private let phone = Phone("1001", at: "192.0.2.11", port: 5071)

    private func subscribe(_ phone: Phone, expires: Int, callID: String, cseq: Int = 1) -> SIPRequest {
        SIPRequest(
            method: .subscribe, uri: SIPURI(user: phone.number, host: Phone.domain),
            headers: SIPHeaders([
                ("Via", phone.via()), ("Max-Forwards", "70"), ("From", "<\(phone.aor)>;tag=sub-\(callID)"),
                ("To", "<\(phone.aor)>"), ("Call-ID", callID), ("CSeq", "\(cseq) SUBSCRIBE"),
                ("Contact", "<sip:\(phone.number)@\(phone.address.host):\(phone.address.port)>"),
                ("Event", "message-summary"), ("Expires", String(expires)),
            ]))
    }

    @Test(
        "SUBSCRIBE: digest challenge, 200 with Expires, an immediate NOTIFY, one on every change, terminated on Expires 0"
    )
    func subscription() async throws {
        try await PBXHarness.run([phone]) { harness in
            let request = subscribe(phone, expires: 600, callID: "mwi-1")
            harness.send(request, from: phone)
            let challenge = try await harness.outbound.response(401, .subscribe, to: phone.address)
            harness.send(try phone.authorized(request, answering: challenge), from: phone)
            let ok = try await harness.outbound.response(200, .subscribe, to: phone.address)
            #expect(ok.headers["Expires"] == "600")
            let first = try await harness.outbound.request(.notify, to: phone.address)
            #expect(first.headers["Event"] == "message-summary")
            #expect(first.headers["Subscription-State"] == "active;expires=600")
            #expect(first.headers.contentType == "application/simple-message-summary")
            #expect(String(decoding: first.body, as: UTF8.self).contains("Messages-Waiting: no\r\n"))

            await harness.core.setMessageSummary(MessageSummary(newMessages: 2, oldMessages: 1), mailbox: "1001")
            let changed = try await harness.outbound.request(.notify, to: phone.address)
            let body = String(decoding: changed.body, as: UTF8.self)
            #expect(body.contains("Messages-Waiting: yes\r\n"))
            #expect(body.contains("Voice-Message: 2/1\r\n"))
            #expect(try changed.headers.cseq().number > first.headers.cseq().number)

            // Unsubscribe inside the dialog.
            let toTag = try #require(try ok.headers.to().tag)
            var unsubscribe = subscribe(phone, expires: 0, callID: "mwi-1", cseq: 3)
            unsubscribe.headers.remove("To")
            unsubscribe.headers.add("To", "<\(phone.aor)>;tag=\(toTag)")
            harness.send(unsubscribe, from: phone)
            _ = try await harness.outbound.next("200 to the unsubscribe") {
                $0.response?.statusCode == 200 && $0.cseqMethod == .subscribe
                    && (try? $0.response?.headers.cseq().number) == 3
            }
            let last = try await harness.outbound.next("terminating NOTIFY") {
                $0.request?.method == .notify
                    && $0.request?.headers["Subscription-State"]?.hasPrefix("terminated") == true
            }
            #expect(last.destination == phone.address)
        }
    }

    @Test("unknown events get 489 with Allow-Events; too short an expiry gets 423, a negative one 400; another's mailbox is refused")
    func refusals() async throws {
        let other = Phone("1002", at: "192.0.2.12", port: 5072)
        try await PBXHarness.run([phone, other]) { harness in
            var presence = subscribe(phone, expires: 600, callID: "mwi-2")
            presence.headers.remove("Event")
            presence.headers.add("Event", "presence")
            harness.send(presence, from: phone)
            let bad = try await harness.outbound.response(489, .subscribe, to: phone.address)
            #expect(bad.headers["Allow-Events"] == "message-summary, dialog")

            let short = subscribe(phone, expires: 10, callID: "mwi-3")
            harness.send(short, from: phone)
            let challenge = try await harness.outbound.response(401, .subscribe, to: phone.address)
            harness.send(try phone.authorized(short, answering: challenge), from: phone)
            let brief = try await harness.outbound.response(423, .subscribe, to: phone.address)
            #expect(brief.headers["Min-Expires"] == "60")

            let negative = subscribe(phone, expires: -600, callID: "mwi-5")
            harness.send(negative, from: phone)
            let negativeChallenge = try await harness.outbound.response(401, .subscribe, to: phone.address)
            harness.send(try phone.authorized(negative, answering: negativeChallenge), from: phone)
            let invalid = try await harness.outbound.response(400, .subscribe, to: phone.address)
            #expect(invalid.reason == "Invalid Expires")

            // 1002 authenticates as itself but asks for 1001's mailbox.
            var snoop = subscribe(other, expires: 600, callID: "mwi-4")
            snoop.uri = SIPURI(user: "1001", host: Phone.domain)
            snoop.headers.remove("To")
            snoop.headers.add("To", "<sip:1001@\(Phone.domain)>")
            harness.send(snoop, from: other)
            let snoopChallenge = try await harness.outbound.response(401, .subscribe, to: other.address)
            harness.send(try other.authorized(snoop, answering: snoopChallenge), from: other)
            _ = try await harness.outbound.response(403, .subscribe, to: other.address)
        }
    }

    @Test("a mailbox that does not exist is challenged and refused like one that does: no 404 before authentication")
    func unknownMailboxLooksLikeAKnownOne() async throws {
        let stranger = Phone("999", at: "192.0.2.99")
        try await PBXHarness.run([phone]) { harness in
            let request = subscribe(stranger, expires: 600, callID: "mwi-stranger")
            harness.send(request, from: stranger)
            let challenge = try await harness.outbound.response(401, .subscribe, to: stranger.address)
            harness.send(try stranger.authorized(request, answering: challenge), from: stranger)
            _ = try await harness.outbound.response(403, .subscribe, to: stranger.address)
            #expect(harness.outbound.distinctCount { $0.response?.statusCode == 404 } == 0)
        }
    }

    @Test("phones that never subscribe get unsolicited NOTIFYs at their registered contact")
    func unsolicited() async throws {
        try await PBXHarness.run([phone]) { harness in
            try await harness.register(phone)
            await harness.core.setMessageSummary(MessageSummary(newMessages: 1), mailbox: "1001")
            let notify = try await harness.outbound.request(.notify, to: phone.address)
            #expect(notify.headers["Subscription-State"] == "active")
            #expect(String(decoding: notify.body, as: UTF8.self).contains("Voice-Message: 1/0\r\n"))
        }
    }
}
