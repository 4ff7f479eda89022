import ArgumentParser
import VPBXControl

// The wire enums double as option values, so `--type`, `--lang` and `--disposition`
// accept exactly what the protocol accepts, and help lists the choices.
extension ExtensionKind: ExpressibleByArgument {}
extension PromptLanguage: ExpressibleByArgument {}
extension CallDisposition: ExpressibleByArgument {}
extension CallTransfer.Party: ExpressibleByArgument {}
extension OverrideMode: ExpressibleByArgument {}
extension QueueStrategy: ExpressibleByArgument {}
extension QueueEmptyRule: ExpressibleByArgument {}
extension QueueReportInterval: ExpressibleByArgument {}
extension MonitorModeName: ExpressibleByArgument {}
extension OutboundCallClass: ExpressibleByArgument {}

/// `--voicemail on|off` of `vpbx ext add/set`.
enum VoicemailSwitch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}

/// `--withhold-number on|off` of `vpbx ext add/set`.
enum WithholdSwitch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}

extension SRTPOffer: ExpressibleByArgument {}

/// `--dnd on|off` of `vpbx ext add/set`.
enum DoNotDisturbSwitch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}

/// `--mobile-confirm on|off` of `vpbx ext add/set`.
enum MobileConfirmSwitch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}

/// `--encrypted yes|no` of `vpbx cdr search`.
enum EncryptedFilter: String, ExpressibleByArgument, CaseIterable {
    case yes, no
}

/// `--record on|off` of `vpbx ext add/set`.
enum RecordingSwitch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}

/// `--monitor allow|deny`: may the extension's user listen in, whisper and barge.
enum MonitorPermission: String, ExpressibleByArgument, CaseIterable {
    case allow, deny
}

/// `--outbound on|off` and `--register on|off` of `vpbx trunk add/set`.
enum TrunkSwitch: String, ExpressibleByArgument, CaseIterable {
    case on, off

    var isOn: Bool { self == .on }
}

/// `--transport udp|tcp` of `vpbx trunk add/set`.
enum TrunkTransport: String, ExpressibleByArgument, CaseIterable {
    case udp, tcp, tls
}

/// `--number-format` of `vpbx trunk add/set`: how the provider wants dialled numbers.
enum TrunkNumberFormat: String, ExpressibleByArgument, CaseIterable {
    case e164, digits, national
}
