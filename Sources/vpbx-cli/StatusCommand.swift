import ArgumentParser
import VPBXControl

/// `vpbx status`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the engine's version, uptime, listen addresses and counts.")

    @OptionGroup var global: GlobalOptions

    /// The `--json` shape: `{"hello": ..., "status": ...}`.
    struct Report: Codable {
        var hello: EngineHello.Result
        var status: EngineStatus.Result
    }

    func run() async throws {
        let report = try await EngineSession.run(global) { client in
            Report(hello: try await client.hello(client: "vpbx"), status: try await client.call(EngineStatus.self, .init()))
        }
        if global.json { return Output.json(report) }
        let status = report.status
        Output.fields([
            ("engine", "\(status.engineVersion) (protocol \(report.hello.protocolVersion))"),
            ("your role", report.hello.role.rawValue),
            ("started", Output.date(status.startedAt)),
            ("uptime", Output.duration(seconds: status.uptimeSeconds)),
            ("sip", status.sipListen.isEmpty ? "-" : status.sipListen.joined(separator: ", ")),
            ("extensions", "\(status.extensions)"),
            ("registrations", "\(status.registrations)"),
            ("active calls", status.maximumCalls.map { "\(status.activeCalls) (limit \($0))" } ?? "\(status.activeCalls)"),
        ] + Self.drain(status) + Self.admission(status) + Self.media(status) + Self.authentication(status)
            + Self.store(status) + Self.events(status)
            + Self.webhooks(status) + Self.trunks(status)
            + [("recordings", Self.recordings(status))])
    }

    /// How call recordings are kept: encrypted with which key, or plain (and whether
    /// encrypted ones cannot be read for want of the key), or off.
    static func recordings(_ status: EngineStatus.Result) -> String {
        if status.recordingOff == true { return "OFF: the engine could not start call recording (see its log)" }
        if let key = status.recordingKey { return "encrypted at rest, key \(key)" }
        guard let unreadable = status.recordingsUnreadable else { return "plain WAV files (no --recording-key)" }
        return "plain WAV files (no --recording-key); \(unreadable) ENCRYPTED ones cannot be read without their key"
    }

    /// A drain under way (`vpbx stop --when-idle/--refuse-new`), and the calls it refused.
    static func drain(_ status: EngineStatus.Result) -> [(String, String)] {
        var lines: [(String, String)] = []
        if let mode = status.draining {
            let since = status.drainingSince.map { " since \(Output.date($0))" } ?? ""
            let how = mode == "refuse-new" ? "refusing new calls (503), " : "taking new calls, "
            lines.append(("STOPPING", "\(how)exits when no call is left\(since) (vpbx stop --cancel)"))
        }
        if let refused = status.callsRefusedDraining, refused > 0 {
            lines.append(("refused", "\(refused) new calls while stopping"))
        }
        return lines
    }

    /// The trunks and their registrations, when there are any.
    static func trunks(_ status: EngineStatus.Result) -> [(String, String)] {
        guard let trunks = status.trunks, trunks > 0 else { return [] }
        var text = "\(trunks), \(status.trunksRegistered ?? 0) registered"
        if let failing = status.trunksFailing, !failing.isEmpty {
            text += "; registration FAILING: \(failing.joined(separator: ", ")) (see vpbx trunk list)"
        }
        return [("trunks", text)]
    }

    /// Each webhook's deliveries, when the engine has any.
    static func webhooks(_ status: EngineStatus.Result) -> [(String, String)] {
        (status.webhooks ?? []).map { webhook in
            let failed = webhook.failed > 0 ? ", \(webhook.failed) FAILED (see the engine log)" : ""
            let retried = (webhook.retried ?? 0) > 0 ? " (\(webhook.retried ?? 0) sent again after a failure)" : ""
            return ("webhook", "\(webhook.url): \(webhook.delivered) delivered\(retried)\(failed)")
        }
    }

    /// Who follows the engine's events, when the engine reports it.
    static func events(_ status: EngineStatus.Result) -> [(String, String)] {
        guard let subscribers = status.eventSubscribers else { return [] }
        var text = "\(subscribers) \(subscribers == 1 ? "subscriber" : "subscribers")"
        if let dropped = status.eventSubscribersDropped, dropped > 0 {
            text += "; \(dropped) dropped since the start for falling behind (see the engine log)"
        }
        return [("events", text)]
    }

    /// The RTP ports in use, and datagrams lost at the SIP socket (when there were any), when
    /// the engine reports them.
    static func media(_ status: EngineStatus.Result) -> [(String, String)] {
        var lines: [(String, String)] = []
        if let pairs = status.rtpPortPairs, let inUse = status.rtpPortPairsInUse {
            let kept = (status.rtpSocketSetsParked ?? 0) * 2
            lines.append(("rtp ports", "\(inUse) of \(pairs) pairs taken: \(max(0, inUse - kept)) by calls, \(kept) kept bound for the next calls"))
        }
        if let dropped = status.sipDatagramsDropped, dropped > 0 {
            lines.append(("sip drops", "\(dropped) datagrams dropped by the kernel while the engine was behind reading"))
        }
        return lines
    }

    /// The database's health, when the engine reports it.
    static func store(_ status: EngineStatus.Result) -> [(String, String)] {
        guard let pending = status.storeWritesPending else { return [] }
        guard let failing = status.storeFailingSeconds else { return [("store", "ok (\(pending) writes queued)")] }
        return [("store", "FAILING for \(Output.duration(seconds: failing)), \(pending) writes waiting in memory (see the engine log)")]
    }

    /// Failed authentications and bans, when the engine reports them.
    static func authentication(_ status: EngineStatus.Result) -> [(String, String)] {
        guard let failures = status.authenticationFailures else { return [] }
        var lines = [("auth failures", "\(failures) (\(status.bannedSources ?? 0) sources banned now)")]
        if let limited = status.requestsRateLimited, limited > 0 {
            lines.append(("rate limited", "\(limited) requests dropped (--source-rate-limit)"))
        }
        return lines
    }

    /// Refused calls and overload, when the engine reports them.
    static func admission(_ status: EngineStatus.Result) -> [(String, String)] {
        guard let atLimit = status.callsRefusedAtLimit, let overloaded = status.callsRefusedOverloaded else { return [] }
        let state = status.overloaded == true ? "OVERLOADED, refusing new calls" : "normal"
        var refused = "\(atLimit) at the call limit, \(overloaded) overloaded"
        if let noPorts = status.callsRefusedNoMediaPorts { refused += ", \(noPorts) without media ports" }
        if let backlog = status.callsRefusedStoreBacklog, backlog > 0 { refused += ", \(backlog) while records could not be written" }
        return [("load", state), ("calls refused", refused)]
    }
}
