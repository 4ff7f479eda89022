import Foundation
import Logging
import Synchronization
import VPBXControl
import VPBXMedia
import VPBXMediaIO
import VPBXNetwork
import VPBXPBX
import VPBXStore
import VPBXSIP

/// The application user agent is made after the core (it calls into it) but the core's
/// outbound adapter must reach it: this box is set once both exist.
final class ApplicationMailbox: Sendable {
    private let agent = Mutex<ApplicationUserAgent?>(nil)

    func set(_ value: ApplicationUserAgent) { agent.withLock { $0 = value } }

    /// Delivers `message` to the application user agent; before it exists (engine start-up)
    /// the message is dropped, as a datagram to a closed port would be.
    func deliver(_ message: SIPMessage) {
        agent.withLock { $0 }?.deliver(message)
    }
}

/// Prompt names to audio, through the prompt library (custom recordings first, then the
/// generated defaults, Hungarian then English).
struct LibraryPrompts: PromptProvider {
    let library: PromptLibrary

    func items(_ names: [String], language: String, bargeIn: Bool) async -> [PlayItem] {
        var items: [PlayItem] = []
        for name in names {
            if let item = await library.item(name, language: language, bargeIn: bargeIn) { items.append(item) }
        }
        return items
    }
}

extension Engine {
    /// The user agent that answers calls routed to menus and announcements.
    static func makeApplications(
        pbx: PBXCore, relay: RTPRelay, bindHost: String, prompts: PromptLibrary, voicemail: EngineVoicemail,
        queues: QueueCenter, agents: any AgentRepository, music: HoldMusicLibrary, conferences: ConferenceRooms,
        extensions: any ExtensionRepository, events: EventHub, logger: Logger
    ) -> ApplicationUserAgent {
        // The relay reaches the channels in process: over loopback when they bind everywhere.
        let address = bindHost == "0.0.0.0" || bindHost == "::" ? "127.0.0.1" : bindHost
        return ApplicationUserAgent(
            dependencies: .init(
                media: MediaEndpointFactory(relay: relay, bindHost: bindHost, logger: logger),
                prompts: LibraryPrompts(library: prompts),
                dialPlan: { await pbx.routingState() },
                route: { callID, destination, step in await pbx.handOn(callID: callID, to: destination, step: step) },
                handOnResult: { callID in await pbx.handOnResult(callID: callID) },
                post: { pbx.receive($0) }, mediaAddress: address,
                // EngineVoicemail reports every change of counts itself (events and MWI).
                voicemail: voicemail,
                queues: queues,
                agentLogin: EngineAgentLogin(center: queues, agents: agents, logger: logger),
                forwarding: EngineForwarding(extensions: extensions, pbx: pbx, events: events, logger: logger),
                doNotDisturb: EngineDoNotDisturb(
                    change: ExtensionChangeFromPhone(extensions: extensions, pbx: pbx, events: events), logger: logger),
                ringExtensions: { callID, extensions, step, timeout in
                    await pbx.handOn(callID: callID, toExtensions: extensions, step: step, timeoutSeconds: timeout)
                },
                holdMusic: { music.samples(of: $0) }, conferences: conferences, parking: pbx.parking,
                noteEnd: { callID, step in await pbx.noteApplicationEnd(callID: callID, step: step) }),
            logger: logger)
    }
}
