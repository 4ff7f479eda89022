import ArgumentParser
import Foundation
import VPBXControl

/// `vpbx rpc METHOD [JSON-PARAMS]`: any catalog method, params checked before sending.
struct RPCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc", abstract: "Call any control method with JSON params and print the JSON result.",
        discussion: "Methods:\n" + RPCCatalog.methods.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n"))

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Method name, e.g. extension.get.") var method: String
    @Argument(help: "Params as a JSON object, e.g. '{\"number\":\"101\"}'.") var params: String?

    func validate() throws {
        guard let descriptor = RPCCatalog.method(named: method) else {
            throw ValidationError(
                "unknown method '\(method)'; known methods: \(RPCCatalog.methods.map(\.name).joined(separator: ", "))")
        }
        do {
            try descriptor.validateParams(try parsedParams())
        } catch let error as RPCError {
            throw ValidationError(error.message)
        }
        if descriptor.name == EventsSubscribe.name {
            throw ValidationError("use 'vpbx events' to subscribe to events")
        }
    }

    func parsedParams() throws -> JSONValue? {
        guard let params else { return nil }
        guard let value = try? RPCCoding.makeDecoder().decode(JSONValue.self, from: Data(params.utf8)),
            case .object = value
        else {
            throw ValidationError("params must be a JSON object, e.g. '{\"number\":\"101\"}'")
        }
        return value
    }

    func run() async throws {
        let params = try parsedParams()
        let result = try await EngineSession.run(global) { try await $0.call(method: method, params: params) }
        Output.json(result)
    }
}
