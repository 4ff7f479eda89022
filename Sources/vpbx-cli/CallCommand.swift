import ArgumentParser
import Foundation
import VPBXControl

/// `vpbx call ...`.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call", abstract: "Show, place (click-to-call), end, pick up, transfer and record calls.",
        subcommands: [
            CallListCommand.self, CallOriginateCommand.self, CallHangupCommand.self, CallPickupCommand.self,
            CallTransferCommand.self, CallRecordCommand.self, CallConferencesCommand.self, CallParkedCommand.self,
        ])
}

/// `vpbx call list`.
struct CallListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List calls in progress.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let calls = try await EngineSession.run(global) { try await $0.call(CallList.self, .init()) }
        if global.json { return Output.json(calls) }
        let now = Date()
        Output.table(
            ["ID", "STATE", "CALLER", "CALLEE", "STARTED", "DURATION", "RECORDING", "MEDIA"],
            calls.map { call in
                let caller = call.callerName.map { "\(call.caller) (\($0))" } ?? call.caller
                let duration = Output.duration(seconds: max(0, Int(now.timeIntervalSince(call.startedAt))))
                return [
                    call.id, call.state.rawValue, caller, call.callee, Output.date(call.startedAt), duration,
                    call.recording ?? "", call.encrypted == true ? "SRTP" : "",
                ]
            })
    }
}

/// `vpbx call hangup ID`.
struct CallHangupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hangup", abstract: "End a call (all its legs).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Call id, as shown by 'vpbx call list'.") var id: String

    func run() async throws {
        let ack = try await EngineSession.run(global) { try await $0.call(CallHangup.self, .init(id: id)) }
        if global.json { return Output.json(ack) }
        Output.line("hung up call \(id)")
    }
}

/// `vpbx call pickup ID --to EXT`.
struct CallPickupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pickup",
        abstract: "Pick up a ringing or parked call to an extension (it rings there instead).",
        discussion: """
            A parked call (see 'vpbx call parked') rings the extension while its caller hears \
            ringback; when nobody answers there it goes back to its slot.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Call id, as shown by 'vpbx call list'.") var id: String
    @Option(name: .customLong("to"), help: "The extension to ring instead.") var extensionNumber: String

    func run() async throws {
        let ack = try await EngineSession.run(global) {
            try await $0.call(CallPickup.self, .init(id: id, extension: extensionNumber))
        }
        if global.json { return Output.json(ack) }
        Output.line("call \(id) rings \(extensionNumber) now")
    }
}

/// `vpbx call transfer ID --to NUMBER`.
struct CallTransferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Transfer an answered call's caller (or callee) to a number (blind transfer).",
        discussion: """
            The caller is put through to NUMBER, dialled as the callee's phone would dial it (an \
            extension, a queue's or menu's number), and hears music while it rings. The callee's \
            phone stays in the call until NUMBER answers, then is hung up; if NUMBER fails, the \
            caller is back with the callee's phone. With --keep callee the other way round: the \
            callee is put through (an agent's call to a customer) and the caller's phone leaves.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Call id, as shown by 'vpbx call list'.") var id: String
    @Option(name: .customLong("to"), help: ArgumentHelp("The number to put the party through to.", valueName: "number"))
    var number: String
    @Option(help: ArgumentHelp("The party put through, who stays in the call: caller or callee.", valueName: "party"))
    var keep: CallTransfer.Party = .caller

    func run() async throws {
        let ack = try await EngineSession.run(global) {
            try await $0.call(CallTransfer.self, .init(id: id, to: number, keep: keep == .caller ? nil : keep))
        }
        if global.json { return Output.json(ack) }
        Output.line("call \(id) is being transferred to \(number)")
    }
}

/// `vpbx call originate --from EXT --to NUMBER [--auto-answer]`.
struct CallOriginateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "originate",
        abstract: "Click-to-call: ring an extension's phone, then call a number for it.",
        discussion: """
            The phone of the --from extension rings first, showing NUMBER as the caller. Once it \
            answers, NUMBER is dialled for it as that phone would dial it (an extension, a queue's \
            or menu's number, or a customer's number such as '06 30 123 4567', out through a trunk \
            within the extension's outbound class) and the phone hears ringback until NUMBER \
            answers; NUMBER's phone \
            sees the extension calling. Prints the call's id, which 'vpbx call list', 'vpbx \
            events' and 'vpbx call hangup' know it by.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("from"), help: ArgumentHelp("The extension whose phone rings first.", valueName: "extension"))
    var extensionNumber: String
    @Option(name: .customLong("to"), help: ArgumentHelp("The number to call for it.", valueName: "number"))
    var number: String
    @Flag(help: "Ask the phone to answer by itself (Call-Info answer-after=0, Alert-Info alert-autoanswer).")
    var autoAnswer = false

    func run() async throws {
        let call = try await EngineSession.run(global) {
            try await $0.call(CallOriginate.self, .init(from: extensionNumber, to: number, autoAnswer: autoAnswer ? true : nil))
        }
        if global.json { return Output.json(call) }
        Output.line("ringing \(extensionNumber) to call \(number) (\(call.id))")
    }
}

/// `vpbx call conferences`.
struct CallConferencesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conferences",
        abstract: "List the conference rooms in use and who is in each (a route to conf:NAME makes a room).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        // Rooms in use only; `vpbx conf list` shows the settings too.
        let rooms = try await EngineSession.run(global) { try await $0.call(ConferenceList.self, .init()) }
            .filter { !$0.participants.isEmpty }
        if global.json { return Output.json(rooms) }
        Output.table(
            ["ROOM", "PARTICIPANTS", "WHO"], rooms.map { [$0.name, String($0.participants.count), $0.participants.joined(separator: " ")] })
    }
}

/// `vpbx call parked`.
struct CallParkedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parked",
        abstract: "List the parked calls: their slots, who waits, who parked them.",
        discussion: """
            A phone parks the other party by transferring it to the park code (*70: the first \
            free slot; *703: slot 3), and any phone takes it by dialling the park pickup code \
            and the slot (*713). Not picked up in time, the call rings whoever parked it.
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let parked = try await EngineSession.run(global) { try await $0.call(CallParked.self, .init()) }
        if global.json { return Output.json(parked) }
        Output.table(
            ["SLOT", "CALLER", "PARKED BY", "WAITING", "RINGS BACK IN", "ID"],
            parked.map { call in
                let caller = call.callerName.map { "\($0) <\(call.caller)>" } ?? call.caller
                let waited = max(0, Int(Date().timeIntervalSince(call.since)))
                return [String(call.slot), caller, call.parkedBy, "\(waited)s", "\(call.secondsLeft)s", call.id]
            })
    }
}

/// `vpbx call record ID start|pause|resume`.
struct CallRecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Start recording a call in progress, or pause and resume its recording (audited).",
        discussion: """
            Paused, the recording gets silence instead of the call (a card number read out), so \
            what follows stays where it happened in the file. An agent may do it for the call \
            of the extension it is logged in at.
            """)

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case start, pause, resume
    }

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Call id, as shown by 'vpbx call list'.") var id: String
    @Argument(help: "start, pause or resume.") var action: Action

    func run() async throws {
        let call = try await EngineSession.run(global) { try await $0.call(CallRecord.self, .init(id: id, action: action.rawValue)) }
        if global.json { return Output.json(call) }
        Output.line("call \(id): recording \(call.recording ?? "off")")
    }
}
