import ArgumentParser
import VPBXControl

/// `vpbx reg ...`.
struct RegistrationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reg", abstract: "Show phone registrations.", subcommands: [RegistrationListCommand.self])
}

/// `vpbx reg list [EXT]`.
struct RegistrationListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered contacts.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Only this extension's contacts.") var number: String?

    func validate() throws {
        if let number { try ExtensionCommand.validateNumber(number) }
    }

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(RegistrationList.self, .init(number: number)) }
        if global.json { return Output.json(list) }
        Output.table(
            ["EXT", "CONTACT", "TRANSPORT", "SOURCE", "EXPIRES IN", "STATUS", "USER AGENT"],
            list.map {
                [
                    $0.extension, $0.contact, $0.transport, $0.source, Output.duration(seconds: $0.expiresIn),
                    Self.status($0), $0.userAgent ?? "-",
                ]
            })
    }

    /// `reachable 12 ms`, `unreachable`, `unknown`; `-` when the extension is not checked.
    static func status(_ info: RegistrationInfo) -> String {
        switch info.reachability {
        case nil, .unchecked: "-"
        case .reachable: info.rttMs.map { "reachable \($0) ms" } ?? "reachable"
        case .some(let other): other.rawValue
        }
    }
}
