import ArgumentParser
import VPBXControl
import VPBXText

/// `vpbx ext ...`.
struct ExtensionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ext", abstract: "Manage extensions.",
        subcommands: [
            ExtensionAdd.self, ExtensionListCommand.self, ExtensionShow.self, ExtensionSet.self, ExtensionRemove.self,
            ExtensionCheckCommand.self,
        ])

    /// Extension numbers are short digit strings.
    static func validateNumber(_ number: String) throws {
        guard !number.isEmpty, number.count <= 15, number.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValidationError("extension number '\(number)' must be digits only, e.g. 101")
        }
    }

    static func printTable(_ extensions: [ExtensionInfo]) {
        Output.table(
            ["NUMBER", "NAME", "TYPE", "LANG", "ENABLED", "MOBILE", "FORWARD"],
            extensions.map {
                [
                    // An extension in do not disturb is enabled, but nothing rings it.
                    $0.number, $0.name, $0.kind.rawValue, $0.language.rawValue,
                    $0.enabled ? ($0.doNotDisturb == true ? "yes, dnd" : "yes") : "no",
                    $0.mobileNumber ?? "-", forwardSummary($0),
                ]
            })
    }

    /// `always 202`, `busy 202, no-answer +3630...`, or `-`.
    static func forwardSummary(_ info: ExtensionInfo) -> String {
        let set = [("always", info.forwardAlways), ("busy", info.forwardBusy), ("no-answer", info.forwardNoAnswer)]
            .compactMap { name, target in target.map { "\(name) \($0)" } }
        return set.isEmpty ? "-" : set.joined(separator: ", ")
    }

    static func srtpText(_ offer: SRTPOffer?) -> String {
        switch offer ?? .off {
        case .off: "off"
        case .optional: "optional (RTP/AVP with the engine's key)"
        case .mandatory: "mandatory (RTP/SAVP with the engine's key)"
        }
    }

    static func printDetails(_ info: ExtensionInfo) {
        Output.fields([
            ("number", info.number), ("name", info.name), ("type", info.kind.rawValue),
            ("language", info.language.rawValue), ("enabled", info.enabled ? "yes" : "no"),
            (
                "mobile",
                (info.mobileNumber ?? "-") + (info.mobileConfirm == true ? ", must press 1 to take a call" : "")
            ),
            ("no-answer timeout", info.noAnswerTimeout.map { "\($0)s" } ?? "default"),
            ("static contact", info.staticContact ?? "-"),
            ("monitor", info.mayMonitor ? "allowed" : "denied"),
            ("pickup group", info.pickupGroup ?? "-"),
            ("voicemail", info.voicemail ? "on (\(info.voicemailMaxSeconds ?? 0) s per message)" : "off"),
            ("voicemail email", info.voicemailEmail ?? "-"),
            ("recording", info.recordCalls ? "every answered call" : "off"),
            ("calls out", info.outboundClass.rawValue),
            ("caller ID", (info.callerID ?? "the trunk's") + (info.withholdNumber == true ? ", WITHHELD (CLIR)" : "")),
            ("forward always", info.forwardAlways ?? "-"),
            ("forward on busy", info.forwardBusy ?? "-"),
            ("forward on no answer", info.forwardNoAnswer ?? "-"),
            ("do not disturb", info.doNotDisturb == true ? "ON (no call rings its phones)" : "off"),
            ("contact checks", info.qualifySeconds > 0 ? "every \(info.qualifySeconds) s" : "off"),
            ("SRTP offered", Self.srtpText(info.srtp)),
        ])
        guard let contacts = info.contacts else { return }
        Output.line("")
        guard !contacts.isEmpty else { return Output.line("no contacts (not registered, no static contact)") }
        Output.table(
            ["CONTACT", "KIND", "STATUS", "RTT", "SINCE"],
            contacts.map {
                [
                    $0.contact, $0.registered ? "registered" : "static", $0.reachability.rawValue,
                    $0.rttMs.map { "\($0) ms" } ?? "-", Output.date($0.since),
                ]
            })
    }
}

/// Settings shared by `ext add` and `ext set`.
struct ExtensionSettings: ParsableArguments {
    @Option(name: .customLong("type"), help: "Kind of extension.")
    var kind: ExtensionKind?

    @Option(help: "Mobile number rung through a trunk; Hungarian national form or +E.164 (\"\" clears it in 'set').")
    var mobile: String?

    @Option(name: .customLong("lang"), help: "Prompt language.")
    var language: PromptLanguage?

    @Option(
        name: .customLong("no-answer-timeout"),
        help: "Seconds before an unanswered call gives up (0 in 'set': default).")
    var noAnswerTimeout: Int?

    @Option(
        name: .customLong("static-contact"),
        help:
            "Fixed SIP contact URI for a phone that does not register (an IP address or a host name the engine resolves)."
    )
    var staticContact: String?

    @Option(help: "Switch the extension's voicemail box on or off (a new box needs --vm-pin; off keeps the messages).")
    var voicemail: VoicemailSwitch?

    @Option(name: .customLong("vm-pin"), help: "Voicemail PIN, 4 to 10 digits (stored only as a salted hash).")
    var vmPin: String?

    @Option(name: .customLong("vm-max-seconds"), help: "Longest voicemail message in seconds, 10 to 600 (default 180).")
    var vmMaxSeconds: Int?

    @Option(
        name: .customLong("vm-email"),
        help:
            "Email each new voicemail message to this address, the audio attached, through vpbx-engine's --mail-command ('' stops it; the message stays in the box)."
    )
    var vmEmail: String?

    @Option(
        help: "Allow or deny this extension's user to listen in on, whisper to and barge into calls (default deny).")
    var monitor: MonitorPermission?

    @Option(help: "Record every answered call this extension makes or takes: on or off (default off; see 'vpbx rec').")
    var record: RecordingSwitch?

    @Option(
        name: .customLong("caller-id"),
        help:
            "The number its calls out through a trunk show, a DID such as '06 1 234 5601' (\"\" in 'set': the trunk's)."
    )
    var callerID: String?

    @Option(
        help:
            "How far the extension may call out through a trunk: none (emergency numbers only), national (default), premium (also 06-90/91) or international."
    )
    var outbound: OutboundCallClass?

    @Option(
        name: .customLong("forward-always"),
        help: ArgumentHelp(
            "Send every call to NUMBER instead of ringing: an extension, or a phone number within --outbound (\"\" in 'set': off).",
            valueName: "NUMBER"))
    var forwardAlways: String?

    @Option(
        name: .customLong("forward-busy"),
        help: ArgumentHelp(
            "Send calls to NUMBER when the phones answer busy, before voicemail (\"\" in 'set': off).",
            valueName: "NUMBER"))
    var forwardBusy: String?

    @Option(
        name: .customLong("forward-no-answer"),
        help: ArgumentHelp(
            "Send calls to NUMBER when nobody answers within the no-answer timeout, or no phone is registered, before voicemail (\"\" in 'set': off).",
            valueName: "NUMBER"))
    var forwardNoAnswer: String?

    @Option(
        name: .customLong("mobile-confirm"),
        help: ArgumentHelp(
            "A mobile answering for the extension (its own mobile, or a number its forwarding calls out) must press 1 "
                + "to take the call, so the network's voicemail cannot: on or off (default off).",
            valueName: "on|off"))
    var mobileConfirm: MobileConfirmSwitch?

    @Option(
        help: ArgumentHelp(
            "Whether its phones speak SRTP (SDES keys): off, optional (offered RTP/AVP with a key, which phones without SRTP ignore) or mandatory (offered RTP/SAVP, for phones set to 'SRTP mandatory'). The engine terminates SRTP on each encrypted phone's leg with a key of its own. Default off.",
            valueName: "off|optional|mandatory"))
    var srtp: SRTPOffer?

    @Option(
        name: .customLong("withhold-number"),
        help:
            "Calls out through a trunk withhold the number (CLIR): on or off (default off); *31 before a number does it for one call."
    )
    var withholdNumber: WithholdSwitch?

    @Option(
        name: .customLong("dnd"),
        help: ArgumentHelp(
            "Do not disturb: no call rings the phones (nor the mobile); callers go to the forward on no answer, "
                + "else voicemail, else are refused. The phone's *78 and *79 switch it too. Default off.",
            valueName: "on|off"))
    var doNotDisturb: DoNotDisturbSwitch?

    @Option(
        name: .customLong("pickup-group"),
        help: "Pickup group: *8 answers calls ringing the group (\"\" leaves it in 'set').")
    var pickupGroup: String?

    @Option(
        help: ArgumentHelp(
            "Check the contacts with OPTIONS every SECONDS (5 to 3600; 0: off, the default); unreachable ones are not rung.",
            valueName: "SECONDS"))
    var qualify: Int?

    /// The E.164 mobile number, "" to clear, or nil when not given.
    var normalizedMobile: String? {
        guard let mobile else { return nil }
        return mobile.isEmpty ? "" : HungarianNumber.normalize(mobile)
    }

    func validate() throws {
        if let mobile, !mobile.isEmpty, HungarianNumber.normalize(mobile) == nil {
            throw ValidationError(
                "--mobile '\(mobile)' is not a valid phone number; type it like '06 30 123 4567' or '+36301234567'")
        }
        if let callerID, !callerID.isEmpty, HungarianNumber.normalize(callerID) == nil {
            throw ValidationError(
                "--caller-id '\(callerID)' is not a phone number; type it like '06 1 234 5601' or '+3612345601'")
        }
        for (flag, target) in [
            ("--forward-always", forwardAlways), ("--forward-busy", forwardBusy),
            ("--forward-no-answer", forwardNoAnswer),
        ] {
            guard let target, !target.isEmpty else { continue }
            let digits = target.filter { $0 != " " && $0 != "-" && $0 != "/" }
            // Digits alone may be an extension (checked by the engine); anything else must be a phone number.
            let plainDigits = !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
            if !plainDigits, HungarianNumber.normalize(digits) == nil {
                throw ValidationError(
                    "\(flag) '\(target)' is neither an extension nor a phone number; e.g. \(flag) 202 or \(flag) '06 30 123 4567'"
                )
            }
        }
        if let noAnswerTimeout, !(0...600).contains(noAnswerTimeout) {
            throw ValidationError("--no-answer-timeout must be between 0 and 600 seconds, e.g. --no-answer-timeout 20")
        }
        if let staticContact, !staticContact.isEmpty,
            !(staticContact.hasPrefix("sip:") || staticContact.hasPrefix("sips:"))
        {
            throw ValidationError("--static-contact must be a SIP URI, e.g. --static-contact sip:101@192.0.2.10:5060")
        }
        if let vmPin, !(4...10).contains(vmPin.count) || !vmPin.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw ValidationError("--vm-pin must be 4 to 10 digits (0-9), e.g. --vm-pin 4711")
        }
        if let vmMaxSeconds, !(10...600).contains(vmMaxSeconds) {
            throw ValidationError("--vm-max-seconds must be between 10 and 600, e.g. --vm-max-seconds 120")
        }
        if let qualify, qualify != 0, !(5...3600).contains(qualify) {
            throw ValidationError("--qualify must be 0 (off) or between 5 and 3600 seconds, e.g. --qualify 60")
        }
    }

    var isEmpty: Bool {
        kind == nil && mobile == nil && language == nil && noAnswerTimeout == nil && staticContact == nil
            && voicemail == nil && vmPin == nil && vmMaxSeconds == nil && vmEmail == nil && monitor == nil
            && pickupGroup == nil
            && qualify == nil && record == nil && outbound == nil && callerID == nil && forwardAlways == nil
            && forwardBusy == nil && forwardNoAnswer == nil && withholdNumber == nil && mobileConfirm == nil
            && srtp == nil && doNotDisturb == nil
    }
}
