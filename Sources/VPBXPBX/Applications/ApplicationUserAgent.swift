import Foundation
import Logging
import VPBXMedia
import VPBXSDP
import VPBXSIP
import VPBXSignaling

/// The engine's applications as one SIP user agent living in the engine process. The core
/// rings it like a phone (B2BUA leg to `Application.peer`); it answers with SDP for a media
/// channel of its own, runs the application, and hangs up with BYE or hands the caller back
/// to the core (docs/applications.md).
///
/// Messages arrive through `deliver` (from the engine's outbound adapter) and are handled one
/// at a time in arrival order; answers go back through `post`, into the core's input.
public actor ApplicationUserAgent {
    /// What the user agent needs from the rest of the engine.
    public struct Dependencies: Sendable {
        public var media: any MediaChannelFactory
        public var prompts: any PromptProvider
        /// The dial plan as it is now (menus), and the extension numbers callers may dial.
        public var dialPlan: @Sendable () async -> (DialPlan, Set<String>)
        /// Sends the caller of the call whose B leg has `callID` to `destination`; false when
        /// that is not possible (then the application hangs up).
        public var route: @Sendable (_ callID: String, _ destination: Destination, _ step: String) async -> Bool
        /// Waits until a hand-on that `route` started is settled (`PBXCore.handOnResult`).
        public var handOnResult: @Sendable (_ callID: String) async -> HandOnResult
        /// Into the core's input, as if from the network.
        public var post: @Sendable (IncomingSIP) -> Void
        /// The address the channels' SDP names (where the relay reaches them).
        public var mediaAddress: String
        /// Voicemail; nil: calls to voicemail applications are refused. The service itself
        /// reports every change of a box's counts (events, message-waiting NOTIFYs).
        public var voicemail: (any VoicemailService)?
        /// The ACD; nil: calls to queues are refused.
        public var queues: (any QueueService)?
        /// Agent login from phones (`*45`); nil: refused.
        public var agentLogin: (any AgentLoginService)?
        /// Call forwarding set from phones (`*72`...); nil: refused.
        public var forwarding: (any ForwardingService)?
        /// Do not disturb switched from phones (`*78`, `*79`); nil: refused.
        public var doNotDisturb: (any DoNotDisturbService)?
        /// Rings extensions for a queue caller (`PBXCore.handOn(callID:toExtensions:...)`).
        public var ringExtensions: @Sendable (_ callID: String, _ extensions: [String], _ step: String, _ timeout: Int) async -> Bool
        /// The music on hold, 8 kHz samples, for callers waiting in queues.
        /// A music class's music on hold (nil: the default class), 8 kHz samples.
        public var holdMusic: @Sendable (String?) -> [Int16]
        /// The conference rooms.
        public var conferences: ConferenceRooms
        /// The parking lot (the core's, ``PBXCore/parking``, which takes calls off it).
        public var parking: ParkingLot
        /// Puts the step an application ended its caller's call at into the call's path
        /// (`PBXCore.noteApplicationEnd(callID:step:)`).
        public var noteEnd: @Sendable (_ callID: String, _ step: String) async -> Void

        public init(
            media: any MediaChannelFactory, prompts: any PromptProvider,
            dialPlan: @escaping @Sendable () async -> (DialPlan, Set<String>),
            route: @escaping @Sendable (String, Destination, String) async -> Bool,
            handOnResult: @escaping @Sendable (String) async -> HandOnResult,
            post: @escaping @Sendable (IncomingSIP) -> Void, mediaAddress: String,
            voicemail: (any VoicemailService)? = nil,
            queues: (any QueueService)? = nil,
            agentLogin: (any AgentLoginService)? = nil,
            forwarding: (any ForwardingService)? = nil,
            doNotDisturb: (any DoNotDisturbService)? = nil,
            ringExtensions: @escaping @Sendable (String, [String], String, Int) async -> Bool = { _, _, _, _ in false },
            holdMusic: @escaping @Sendable (String?) -> [Int16] = { _ in [] },
            conferences: ConferenceRooms = ConferenceRooms(),
            parking: ParkingLot = ParkingLot(),
            noteEnd: @escaping @Sendable (String, String) async -> Void = { _, _ in }
        ) {
            self.conferences = conferences
            self.parking = parking
            self.noteEnd = noteEnd
            self.voicemail = voicemail
            self.queues = queues
            self.agentLogin = agentLogin
            self.forwarding = forwarding
            self.doNotDisturb = doNotDisturb
            self.ringExtensions = ringExtensions
            self.holdMusic = holdMusic
            self.media = media
            self.prompts = prompts
            self.dialPlan = dialPlan
            self.route = route
            self.handOnResult = handOnResult
            self.post = post
            self.mediaAddress = mediaAddress
        }
    }

    private struct Session {
        var dialog: Dialog
        let invite: SIPRequest
        var channel: (any MediaChannel)?
        var task: Task<Void, Never>?
        var answered = false
    }

    private let dependencies: Dependencies
    private let logger: Logger
    private var sessions: [String: Session] = [:]
    private let inbox: AsyncStream<SIPMessage>.Continuation

    public init(dependencies: Dependencies, logger: Logger) {
        self.dependencies = dependencies
        self.logger = logger
        let (stream, continuation) = AsyncStream<SIPMessage>.makeStream()
        inbox = continuation
        Task { await self.consume(stream) }
    }

    /// A message the core sent to `Application.peer`.
    public nonisolated func deliver(_ message: SIPMessage) {
        inbox.yield(message)
    }

    /// Calls in progress, for status.
    public var activeSessions: Int { sessions.count }

    /// Ends every application (engine shutdown).
    public func stop() async {
        inbox.finish()
        let running = sessions.values
        sessions = [:]
        for session in running { await session.channel?.close() }
        // Let applications finish what they hold (a message being saved) before the store closes.
        for session in running { await session.task?.value }
    }

    private func consume(_ stream: AsyncStream<SIPMessage>) async {
        for await message in stream {
            switch message {
            case .request(let request): await handle(request)
            case .response: break  // answers to our BYEs: nothing to do
            }
        }
    }

    private func handle(_ request: SIPRequest) async {
        guard let callID = request.headers.callID else { return }
        switch request.method {
        case .invite where (try? request.headers.toTag()) == nil:
            guard sessions[callID] == nil else { return }  // reliable delivery: no retransmissions
            await answer(request, callID: callID)
        case .ack:
            break
        case .bye:
            reply(request, status: 200, toTag: sessions[callID]?.dialog.localTag)
            await end(callID)
        case .cancel:
            reply(request, status: 200, toTag: nil)
            if let session = sessions[callID], !session.answered {
                reply(session.invite, status: 487, toTag: session.dialog.localTag)
                await end(callID)
            }
        case .update where request.body.isEmpty:
            // A session refresh without an offer (RFC 4028, RFC 3311): nothing to change.
            reply(request, status: 200, toTag: sessions[callID]?.dialog.localTag)
        case .invite, .update:
            // An offer the core did not answer itself (it answers those it can keep the
            // call's codec for): keep our media as it is.
            reply(request, status: 488, toTag: sessions[callID]?.dialog.localTag)
        case .info:
            // SIP INFO keys (application/dtmf-relay, application/dtmf): the fallback for phones
            // that do not send RFC 4733 events.
            reply(request, status: 200, toTag: sessions[callID]?.dialog.localTag)
            if let channel = sessions[callID]?.channel, let type = request.headers.contentType,
                let relay = DTMFRelayBody(contentType: type, body: String(decoding: request.body, as: UTF8.self))
            {
                await channel.receiveSignalledDigit(relay.digit)
            }
        case .options:
            reply(request, status: 200, toTag: sessions[callID]?.dialog.localTag)
        default:
            reply(request, status: 405, toTag: sessions[callID]?.dialog.localTag)
        }
    }

    private func answer(_ invite: SIPRequest, callID: String) async {
        let localTag = SIPIdentifiers.tag()
        guard let user = invite.uri.user, let application = Application(user: user),
            let dialog = try? Dialog(uasInvite: invite, localTag: localTag)
        else {
            reply(invite, status: 404, toTag: localTag)
            return
        }
        let offer: SessionDescription
        do {
            offer = try SessionDescription(parsing: String(decoding: invite.body, as: UTF8.self))
        } catch {
            reply(invite, status: 488, toTag: localTag)
            return
        }
        sessions[callID] = Session(dialog: dialog, invite: invite)
        let origin = OriginTracker(
            sessionID: OriginTracker.newSessionID(), address: dependencies.mediaAddress)
        do {
            // Negotiate once to learn the codec, bind the channel, answer with its port.
            let probe = try SessionDescription.answer(
                to: offer, origin: origin.origin, address: dependencies.mediaAddress, audioPort: 9)
            let endpoint = offer.audioEndpoint
            let channel = try await dependencies.media.makeChannel(
                MediaChannelParameters(
                    law: probe.codec.hasEncoding("PCMU") ? .ulaw : .alaw,
                    telephoneEventPayloadType: probe.telephoneEvent.map { UInt8(truncatingIfNeeded: $0.payloadType) },
                    remoteHost: endpoint?.address, remotePort: endpoint?.port))
            let negotiated = try SessionDescription.answer(
                to: offer, origin: origin.origin, address: dependencies.mediaAddress, audioPort: channel.localPort)
            guard sessions[callID] != nil else {  // cancelled while the channel was bound
                await channel.close()
                return
            }
            sessions[callID]?.channel = channel
            sessions[callID]?.answered = true
            var ok = SIPResponse(to: invite, status: 200, toTag: localTag)
            ok.headers.add("Contact", NameAddress(uri: application.contact).serialized)
            ok.headers.add("Content-Type", "application/sdp")
            ok.body = Array(negotiated.answer.serialized().utf8)
            dependencies.post(IncomingSIP(message: .response(ok), source: Application.peer))
            let language = invite.headers[Application.languageHeader] == "en" ? "en" : "hu"
            let from = try? invite.headers.from()
            let caller = QueueCaller(
                callID: invite.headers[Application.callHeader] ?? callID, applicationCallID: callID,
                number: from?.uri.user ?? "", name: from?.displayName)
            sessions[callID]?.task = Task {
                await self.run(application, channel: channel, callID: callID, caller: caller, language: language)
            }
        } catch {
            logger.warning(
                "application cannot answer", metadata: ["application": "\(application)", "error": "\(error)"])
            sessions[callID] = nil
            reply(invite, status: error is SDPError ? 488 : 503, toTag: localTag)
        }
    }

    private func run(
        _ application: Application, channel: any MediaChannel, callID: String, caller: QueueCaller, language: String
    ) async {
        let outcome: ApplicationOutcome
        switch application {
        case .playback(let prompt):
            let items = await dependencies.prompts.items([prompt], language: language, bargeIn: false)
            outcome = await channel.play(items) == .closed ? .callerLeft : .hangup(step: "play:\(prompt)")
        case .menu(let name):
            let (plan, extensions) = await dependencies.dialPlan()
            guard let menu = plan.menus[name] else {
                outcome = .hangup(step: "ivr:\(name)=missing")
                break
            }
            outcome = await MenuApplication(
                menu: menu, extensions: extensions, prompts: dependencies.prompts, language: language
            )
            .run(on: channel) { destination, step in
                await self.handOn(callID, channel: channel, to: destination, step: step)
            }
        case .voicemail(let mailbox, let busy):
            guard let service = dependencies.voicemail else {
                outcome = .hangup(step: "vm:\(mailbox)=unavailable")
                break
            }
            outcome = await VoicemailDepositApplication(
                mailbox: mailbox, busy: busy, caller: caller.number, callID: callID, service: service,
                prompts: dependencies.prompts, language: language
            ).run(on: channel)
        case .mailbox(let own):
            guard let service = dependencies.voicemail else {
                outcome = .hangup(step: "vmbox=unavailable")
                break
            }
            outcome = await MailboxApplication(
                own: own, service: service, prompts: dependencies.prompts, language: language
            ).run(on: channel)
        case .agentLogin(let extensionNumber):
            guard let service = dependencies.agentLogin else {
                outcome = .hangup(step: "agent-login=unavailable")
                break
            }
            outcome = await AgentLoginApplication(
                extensionNumber: extensionNumber, service: service, prompts: dependencies.prompts, language: language
            ).run(on: channel)
        case .forwarding(let extensionNumber, let condition, let target):
            guard let service = dependencies.forwarding else {
                outcome = .hangup(step: "forward-\(condition.rawValue)=unavailable")
                break
            }
            outcome = await ForwardingApplication(
                extensionNumber: extensionNumber, condition: condition, target: target, service: service,
                prompts: dependencies.prompts, language: language
            ).run(on: channel)
        case .doNotDisturb(let extensionNumber, let on):
            guard let service = dependencies.doNotDisturb else {
                outcome = .hangup(step: "dnd=unavailable")
                break
            }
            outcome = await DoNotDisturbApplication(
                extensionNumber: extensionNumber, on: on, service: service, prompts: dependencies.prompts,
                language: language
            ).run(on: channel)
        case .conference(let name):
            let music = dependencies.holdMusic
            let settings = await dependencies.dialPlan().0.conferenceRooms[name]
            outcome = await ConferenceApplication(
                room: name, caller: caller.number, rooms: dependencies.conferences, settings: settings,
                prompts: dependencies.prompts, language: language, music: { music(nil) }
            ).run(on: channel)
        case .park(let parker, let slot):
            outcome = await ParkApplication(
                parker: parker, requestedSlot: slot, caller: caller, lot: dependencies.parking,
                music: dependencies.holdMusic(nil), prompts: dependencies.prompts, language: language
            ).run(on: channel) { destination, step in
                await self.handOn(callID, channel: channel, to: destination, step: step)
            }
        case .queue(let name):
            guard let service = dependencies.queues else {
                outcome = .hangup(step: "queue:\(name)=unavailable")
                break
            }
            outcome = await QueueApplication(
                queue: name, caller: caller, service: service, prompts: dependencies.prompts, language: language,
                music: dependencies.holdMusic
            )
            .run(
                on: channel,
                ringAgents: { extensions, timeout, step in
                    await self.ringExtensions(callID, channel: channel, extensions, step: step, timeout: timeout)
                },
                handOn: { destination, step in
                    await self.handOn(callID, channel: channel, to: destination, step: step)
                })
        }
        switch outcome {
        case .callerLeft: break
        case .hangup(let step):
            await dependencies.noteEnd(callID, step)
            hangUp(callID)
        case .handedOn: return  // the core's BYE ends the session
        }
        await end(callID)
    }

    /// Rings a queue's agents for our caller, without ringback (the queue's music goes on),
    /// and waits until that settles. Nil when the core could not ring any of them.
    private func ringExtensions(
        _ callID: String, channel: any MediaChannel, _ extensions: [String], step: String, timeout: Int
    ) async -> HandOnResult? {
        guard await dependencies.ringExtensions(callID, extensions, step, timeout) else { return nil }
        return await dependencies.handOnResult(callID)
    }

    /// Asks the core to ring `destination` for our caller and plays ringback until that is
    /// settled: answered (our leg gets a BYE, which closes the channel and the ringback), the
    /// call ended, or failed (the caller is ours again: the ringback stops). Nil when the core
    /// cannot route there at all.
    private func handOn(
        _ callID: String, channel: any MediaChannel, to destination: Destination, step: String
    ) async -> HandOnResult? {
        guard await dependencies.route(callID, destination, step) else { return nil }
        let ringback = Task { _ = await channel.play([.tone(.ringback, bargeIn: false)]) }
        let result = await dependencies.handOnResult(callID)
        if case .failed = result {
            await channel.stopPlayback()
        }
        _ = await ringback.value
        return result
    }

    private func hangUp(_ callID: String) {
        guard var session = sessions[callID] else { return }
        let via = Via(
            transport: "TCP", host: Application.host, port: 5060,
            parameters: [SIPParameter(name: "branch", value: SIPIdentifiers.branch())])
        let bye = session.dialog.makeRequest(.bye, via: via, contact: nil)
        sessions[callID] = session
        dependencies.post(IncomingSIP(message: .request(bye), source: Application.peer))
    }

    /// Closes the session's channel. The application's task is not cancelled: a closed channel
    /// ends it, and a caller who hung up mid-message still has the message kept.
    private func end(_ callID: String) async {
        guard let session = sessions.removeValue(forKey: callID) else { return }
        await session.channel?.close()
    }

    private func reply(_ request: SIPRequest, status: Int, toTag: String?) {
        let response = SIPResponse(to: request, status: status, toTag: toTag ?? SIPIdentifiers.tag())
        dependencies.post(IncomingSIP(message: .response(response), source: Application.peer))
    }
}
