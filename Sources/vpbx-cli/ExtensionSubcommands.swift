import ArgumentParser
import VPBXControl

/// `vpbx ext add NUMBER --name N --password P ...`.
struct ExtensionAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Create an extension.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Extension number, e.g. 101.") var number: String
    @Option(help: "Display name, e.g. 'Kovács Éva'.") var name: String
    @Option(help: "SIP password of the extension's phones.") var password: String
    @OptionGroup var settings: ExtensionSettings
    @Flag(help: "Create it disabled (phones cannot register or call).") var disabled = false

    func validate() throws {
        try ExtensionCommand.validateNumber(number)
        if settings.kind == .mobile, settings.mobile?.isEmpty ?? true {
            throw ValidationError("a mobile extension needs --mobile NUMBER, e.g. --mobile '06 30 123 4567'")
        }
    }

    func run() async throws {
        let params = ExtensionCreate.Params(
            number: number, name: name, password: password, kind: settings.kind,
            mobileNumber: settings.normalizedMobile,
            language: settings.language, noAnswerTimeout: settings.noAnswerTimeout,
            staticContact: settings.staticContact, enabled: disabled ? false : nil,
            voicemail: settings.voicemail.map { $0 == .on }, voicemailPin: settings.vmPin,
            voicemailMaxSeconds: settings.vmMaxSeconds, mayMonitor: settings.monitor.map { $0 == .allow },
            pickupGroup: settings.pickupGroup, qualifySeconds: settings.qualify,
            recordCalls: settings.record.map { $0 == .on }, outboundClass: settings.outbound,
            callerID: settings.callerID, forwardAlways: settings.forwardAlways, forwardBusy: settings.forwardBusy,
            forwardNoAnswer: settings.forwardNoAnswer, withholdNumber: settings.withholdNumber.map { $0 == .on },
            mobileConfirm: settings.mobileConfirm.map { $0 == .on }, srtp: settings.srtp,
            voicemailEmail: settings.vmEmail, doNotDisturb: settings.doNotDisturb.map { $0 == .on })
        let info = try await EngineSession.run(global) { try await $0.call(ExtensionCreate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("created extension \(info.number) (\(info.name))")
    }
}

/// `vpbx ext list`.
struct ExtensionListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List extensions.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let list = try await EngineSession.run(global) { try await $0.call(ExtensionList.self, .init()) }
        if global.json { return Output.json(list) }
        ExtensionCommand.printTable(list)
    }
}

/// `vpbx ext show N`.
struct ExtensionShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one extension.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Extension number.") var number: String

    func validate() throws { try ExtensionCommand.validateNumber(number) }

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(ExtensionGet.self, .init(number: number)) }
        if global.json { return Output.json(info) }
        ExtensionCommand.printDetails(info)
    }
}

/// `vpbx ext set N [options] [--enable|--disable]`.
struct ExtensionSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change an extension; options not given stay as they are.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Extension number.") var number: String
    @Option(help: "New display name.") var name: String?
    @Option(help: "New SIP password.") var password: String?
    @OptionGroup var settings: ExtensionSettings
    @Flag(exclusivity: .exclusive, help: "Enable or disable the extension.") var enabled: Toggle?

    enum Toggle: String, EnumerableFlag {
        case enable, disable
    }

    func validate() throws {
        try ExtensionCommand.validateNumber(number)
        if name == nil, password == nil, enabled == nil, settings.isEmpty {
            throw ValidationError(
                "nothing to change; give at least one option, e.g. vpbx ext set \(number) --name 'New Name'")
        }
    }

    func run() async throws {
        let params = ExtensionUpdate.Params(
            number: number, name: name, password: password, kind: settings.kind,
            mobileNumber: settings.normalizedMobile,
            language: settings.language, noAnswerTimeout: settings.noAnswerTimeout,
            staticContact: settings.staticContact,
            enabled: enabled.map { $0 == .enable }, voicemail: settings.voicemail.map { $0 == .on },
            voicemailPin: settings.vmPin, voicemailMaxSeconds: settings.vmMaxSeconds,
            mayMonitor: settings.monitor.map { $0 == .allow },
            pickupGroup: settings.pickupGroup, qualifySeconds: settings.qualify,
            recordCalls: settings.record.map { $0 == .on }, outboundClass: settings.outbound,
            callerID: settings.callerID, forwardAlways: settings.forwardAlways, forwardBusy: settings.forwardBusy,
            forwardNoAnswer: settings.forwardNoAnswer, withholdNumber: settings.withholdNumber.map { $0 == .on },
            mobileConfirm: settings.mobileConfirm.map { $0 == .on }, srtp: settings.srtp,
            voicemailEmail: settings.vmEmail, doNotDisturb: settings.doNotDisturb.map { $0 == .on })
        let info = try await EngineSession.run(global) { try await $0.call(ExtensionUpdate.self, params) }
        if global.json { return Output.json(info) }
        Output.line("updated extension \(info.number)")
        ExtensionCommand.printDetails(info)
    }
}

/// `vpbx ext remove N`.
struct ExtensionRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Delete an extension.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Extension number.") var number: String

    func validate() throws { try ExtensionCommand.validateNumber(number) }

    func run() async throws {
        let info = try await EngineSession.run(global) {
            try await $0.call(ExtensionDelete.self, .init(number: number))
        }
        if global.json { return Output.json(info) }
        Output.line("removed extension \(info.number) (\(info.name))")
    }
}

/// `vpbx ext check N`.
struct ExtensionCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check an extension's contacts with OPTIONS now and show which answer (takes up to 3 s).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Extension number.") var number: String

    func validate() throws { try ExtensionCommand.validateNumber(number) }

    func run() async throws {
        let info = try await EngineSession.run(global) { try await $0.call(ExtensionCheck.self, .init(number: number)) }
        if global.json { return Output.json(info) }
        ExtensionCommand.printDetails(info)
    }
}
