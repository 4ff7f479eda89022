import Foundation
import Testing
import VPBXSIP
import VPBXStore

@testable import VPBXPBX

/// Feature codes: the catalog, their defaults, and a changed code in the dial plan and the core.
@Suite("Feature codes", .timeLimit(.minutes(1)))
struct FeatureCodeTests {
    let alice = Cast.alice

    @Test("the catalog: unique names and codes, defaults *97, *98 and *45 that pass the store's rule")
    func catalog() throws {
        #expect(
            Feature.all.map(\.name) == [
                "voicemail-own", "voicemail-any", "agent-login", "listen", "whisper", "barge", "pickup",
                "forward-always", "forward-always-off", "forward-busy", "forward-busy-off", "forward-no-answer",
                "forward-no-answer-off", "withhold-number", "show-number", "park", "park-pickup", "dnd-on", "dnd-off",
            ])
        #expect(
            Feature.all.filter(\.takesNumber).map(\.name) == [
                "listen", "whisper", "barge", "pickup", "forward-always", "forward-busy", "forward-no-answer",
                "withhold-number", "show-number", "park", "park-pickup",
            ])
        // No code is the start of another's: a number dialled after one could not be told apart.
        for feature in Feature.all {
            for other in Feature.all where other != feature {
                #expect(!other.defaultCode.hasPrefix(feature.defaultCode), "\(feature.name) \(other.name)")
            }
        }
        #expect(Feature.all.filter(\.numberOptional).map(\.name) == ["pickup", "park", "park-pickup"])
        #expect(Set(Feature.all.map(\.name)).count == Feature.all.count)
        #expect(Set(Feature.all.map(\.defaultCode)).count == Feature.all.count)
        #expect(Feature.voicemailOwn.defaultCode == "*97" && Feature.voicemailAny.defaultCode == "*98")
        for feature in Feature.all {
            try FeatureCodeRecord(name: feature.name, code: feature.defaultCode).validate()
            #expect(!feature.summary.isEmpty)
        }
        #expect(Feature.named("intercom") == nil)
    }

    @Test("codes followed by a number: *2221001 listens to 1001; the bare code and non-digits are ordinary numbers")
    func numberedCodes() {
        let plan = DialPlan()
        #expect(plan.featureCode("*2221001", caller: "100")?.target == .monitor(.listen, extension: "1001"))
        #expect(plan.featureCode("*223101", caller: "100")?.target == .monitor(.whisper, extension: "101"))
        #expect(plan.featureCode("*224101", caller: "100")?.path == ["feature:*224101"])
        #expect(plan.featureCode("*222", caller: "100") == nil)
        #expect(plan.featureCode("*222x1", caller: "100") == nil)
        var moved = plan
        moved.featureCodes = .init(overrides: ["listen": "*31"])
        #expect(moved.featureCode("*31101", caller: "100")?.target == .monitor(.listen, extension: "101"))
        #expect(moved.featureCode("*222101", caller: "100") == nil)
        // Pickup works alone (group) and with a number (directed).
        #expect(plan.featureCode("*8", caller: "100")?.target == .pickup(extension: nil))
        #expect(plan.featureCode("*8101", caller: "100")?.target == .pickup(extension: "101"))
    }

    @Test("forwarding codes: *72/*90/*52 with a number set it for the caller's extension, *73/*91/*53 clear it; the bare *72 is an ordinary number")
    func forwardingCodes() {
        let plan = DialPlan()
        #expect(plan.featureCode("*721003", caller: "100")?.target == .application(.forwarding("100", .always, target: "1003")))
        #expect(plan.featureCode("*73", caller: "100")?.target == .application(.forwarding("100", .always, target: nil)))
        #expect(plan.featureCode("*9006301234567", caller: "100")?.target == .application(.forwarding("100", .busy, target: "06301234567")))
        #expect(plan.featureCode("*91", caller: "100")?.target == .application(.forwarding("100", .busy, target: nil)))
        #expect(plan.featureCode("*521003", caller: "100")?.target == .application(.forwarding("100", .noAnswer, target: "1003")))
        #expect(plan.featureCode("*53", caller: "100")?.target == .application(.forwarding("100", .noAnswer, target: nil)))
        #expect(plan.featureCode("*72", caller: "100") == nil)
        #expect(plan.featureCodes.numberWithheld("*3106301234567") == "06301234567")
        #expect(plan.featureCodes.numberWithheld("*31+36301234567") == "+36301234567")
        #expect(plan.featureCodes.numberWithheld("*31") == nil && plan.featureCodes.numberWithheld("*31a") == nil)
        #expect(plan.featureCodes.numberWithheld("06301234567") == nil)
        #expect(plan.featureCode("*731003", caller: "100") == nil)
        #expect(Feature.forwarding(.noAnswer, on: false).defaultCode == "*53")
        for application in [
            Application.forwarding("100", .always, target: "1003"), .forwarding("100", .noAnswer, target: nil),
            .forwarding("1001", .noAnswer, target: "06301234567"), .forwarding("100", .busy, target: nil),
        ] {
            #expect(Application(user: application.user) == application, "\(application.user)")
        }
        #expect(Application(user: "fwd-no-answer-") == nil && Application(user: "fwd-sometimes-100") == nil)
    }

    @Test("parking: *71 and a slot picks up, alone the longest parked; *70 transferred to parks for the transferor, dialled it is the parker's own call (a reservation)")
    func parkingCodes() {
        let plan = DialPlan()
        #expect(plan.featureCode("*713", caller: "100")?.target == .parkPickup(slot: 3))
        #expect(plan.featureCode("*71", caller: "100")?.target == .parkPickup(slot: nil))
        #expect(plan.featureCode("*7199999", caller: "100")?.target == .parkPickup(slot: 9999), "no slot that far")
        #expect(plan.featureCode("*70", caller: "100")?.target == .application(.park(parker: "100", slot: nil)))
        #expect(plan.featureCode("*704", caller: "100")?.target == .application(.park(parker: "100", slot: 4)))
        #expect(plan.parking("*70", parker: "101")?.target == .application(.park(parker: "101", slot: nil)))
        #expect(plan.parking("*7012", parker: "101")?.target == .application(.park(parker: "101", slot: 12)))
        #expect(plan.parking("*7012", parker: "101")?.path == ["park:12"])
        #expect(plan.parking("*713", parker: "101") == nil && plan.parking("1002", parker: "101") == nil)
        for application in [Application.park(parker: "101", slot: nil), .park(parker: "1001", slot: 20)] {
            #expect(Application(user: application.user) == application, "\(application.user)")
        }
        #expect(Application(user: "park-") == nil && Application(user: "park-101-x") == nil)
    }

    @Test("defaults route *97 to the caller's own box and *98 to any box")
    func defaults() {
        let plan = DialPlan()
        #expect(plan.featureCode("*97", caller: "100")?.target == .application(.mailbox("100")))
        #expect(plan.featureCode("*98", caller: "100")?.target == .application(.mailbox(nil)))
        #expect(plan.featureCode("*97", caller: "100")?.path == ["feature:*97"])
        #expect(plan.featureCode("100", caller: "100") == nil)
    }

    @Test("a changed code routes to the mailbox application and the old code is an ordinary number again")
    func changedCodeInTheDialPlan() {
        var plan = DialPlan()
        plan.featureCodes = DialPlan.FeatureCodes(overrides: ["voicemail-own": "*55", "no-such-feature": "*1"])
        #expect(plan.featureCodes.ownMailbox == "*55" && plan.featureCodes.anyMailbox == "*98")
        #expect(plan.featureCodes.overrides == ["voicemail-own": "*55"])
        let routed = plan.featureCode("*55", caller: "100")
        #expect(routed == Routing(target: .application(.mailbox("100")), path: ["feature:*55"]))
        #expect(plan.featureCode("*97", caller: "100") == nil)
        #expect(plan.resolve("*97", at: Date()).target == .extension("*97"))
        #expect(plan.featureCode("*1", caller: "100") == nil)
        #expect(plan.featureCode("*98", caller: "100")?.target == .application(.mailbox(nil)))
    }

    @Test("in the core: after the change *55 rings the caller's mailbox application and *97 gets 404")
    func changedCodeInTheCore() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var plan = DialPlan()
            plan.featureCodes = DialPlan.FeatureCodes(overrides: ["voicemail-own": "*55"])
            await pbx.core.setDialPlan(plan)

            _ = try await pbx.placeCall(from: alice, to: "*55", sdp: alice.sdp())
            let application = try await pbx.outbound.request(.invite, to: Application.peer)
            #expect(application.uri.user == Application.mailbox(alice.number).user)

            _ = try await pbx.placeCall(from: alice, to: "*97", sdp: alice.sdp())
            _ = try await pbx.outbound.response(404, .invite, to: alice.address)
            let cdr = try await pbx.finishedCDR(of: "*97")
            #expect(cdr.disposition == .failed && cdr.path == nil)
        }
    }
}
