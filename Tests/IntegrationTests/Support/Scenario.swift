import Foundation

/// The sipp scenarios in `Scenarios/` (see the comment at the top of each file).
enum Scenario: String, CaseIterable, Sendable {
    // Phones towards the engine (sipp as UAC).
    case register
    case registerForbidden = "register-forbidden"
    case registerRespelled = "register-respelled"
    case registerInstanceMoved = "register-instance-moved"
    case registerPath = "register-path"
    case options
    case callHangup = "call-hangup"
    case callHangupResendBye = "call-hangup-resend-bye"
    case callRefuseReInviteHangup = "call-refuse-reinvite-hangup"
    case callLateOffer = "call-late-offer"
    case callAwaitBye = "call-await-bye"
    case callReInviteAwaitBye = "call-reinvite-await-bye"
    case callExpectBusy = "call-expect-busy"
    case callExpectNotFound = "call-expect-not-found"
    case callExpectBadExtension = "call-expect-bad-extension"
    case callExpectUnavailable = "call-expect-unavailable"
    case callExpectForbidden = "call-expect-forbidden"
    case callExpectServiceUnavailable = "call-expect-service-unavailable"
    case callCancel = "call-cancel"
    case callEarlyBye = "call-early-bye"
    case callListen = "call-listen"
    case callListenALaw = "call-listen-alaw"
    case callListenLateOffer = "call-listen-late-offer"
    case callPress1 = "call-press-1"
    case callPress1Then2 = "call-press-1-then-2"
    case subscribeMWI = "subscribe-mwi"
    case subscribeMWICounts = "subscribe-mwi-counts"
    case subscribeDialog = "subscribe-dialog"
    case callSayHangUp = "call-say-hang-up"
    case callInfo1 = "call-info-1"
    case callListenInfo1 = "call-listen-info-1"
    case callRefreshInfo1 = "call-refresh-info-1"
    case callListenInfo1HangUp = "call-listen-info-1-hang-up"
    case callHoldResume = "call-hold-resume"
    case callAgentLogin = "call-agent-login"
    case callConsultTransfer = "call-consult-transfer"
    case callTransferHangUp = "call-transfer-hang-up"
    case callReplacesListen = "call-replaces-listen"
    // Phones the engine calls (sipp as UAS).
    case answer
    case answerAtOnce = "answer-at-once"
    case answerHangup = "answer-hangup"
    case forward
    case answerRouted = "answer-routed"
    case answerListen = "answer-listen"
    /// A provider behind a trunk: challenges the INVITE, checks the digest (-key trunk_user,
    /// -key trunk_password, -key challenges 1|2), answers listening on [rtp_listen].
    case trunkAnswerChallenged = "trunk-answer-challenged"
    case trunkAnswerReInviteChallenged = "trunk-answer-reinvite-challenged"
    case trunkCallInLine = "trunk-call-in-line"
    /// A provider's registrar: 401, verified credentials, a 3 s registration to refresh, an
    /// hour's, then the unregistration (-key trunk_user, -key trunk_password).
    case trunkRegistrar = "trunk-registrar"
    case answerListenAfterRinging = "answer-listen-after-ringing"
    case answerMuLawHangup = "answer-mulaw-hangup"
    case busy
    case busyRetransmit = "busy-retransmit"
    case answerRetransmitAfterBye = "answer-retransmit-after-bye"
    case answerReInviteResendHangup = "answer-reinvite-resend-hangup"
    case answerReInviteGlareHangup = "answer-reinvite-glare-hangup"
    case answerReInviteRefusedAwaitBye = "answer-reinvite-refused-await-bye"
    case answerForkTwice = "answer-fork-twice"
    case answerEarlyMediaBare200 = "answer-early-media-bare-200"
    case answerEarlyUpdate = "answer-early-update"
    case answerOptions = "answer-options"
    case answerTransferHangUp = "answer-transfer-hang-up"
    case answerTransferAwaitBye = "answer-transfer-await-bye"
    case answerListenReInvite = "answer-listen-reinvite"
    case ring
    // Stand-ins for the engine, only for checking the scenarios above sipp-to-sipp.
    case selftestRegistrar = "selftest/registrar"
    case selftestChallenge = "selftest/challenge"
    case selftestNotFound = "selftest/not-found"
    case selftestUnavailable = "selftest/unavailable"
    case selftestOptionsOK = "selftest/options-ok"

    /// The XML file, from the test bundle's resources.
    func url() throws -> URL {
        guard let directory = Bundle.module.url(forResource: "Scenarios", withExtension: nil) else {
            throw HarnessError("the Scenarios resource directory is missing from the IntegrationTests bundle")
        }
        let url = directory.appendingPathComponent(rawValue + ".xml")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw HarnessError("scenario \(url.path) is missing")
        }
        return url
    }

    /// Short name for log files.
    var fileStem: String { rawValue.replacingOccurrences(of: "/", with: "-") }
}
