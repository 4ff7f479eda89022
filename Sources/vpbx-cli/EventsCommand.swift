import ArgumentParser
import VPBXControl

/// `vpbx events [--topic T ...]`: the snapshot line, then one JSON line per event.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print the snapshot and then live events as JSON lines until interrupted.",
        discussion: "The first line is {\"seq\":N,\"snapshot\":...}; each later line is one event with a larger seq.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("topic"), help: "Only events of this topic (call, extension, registration, ...); repeatable.")
    var topics: [String] = []

    func run() async throws {
        let overflowed = try await EngineSession.run(global) { client in
            let (snapshot, events) = try await client.subscribe(topics: topics.isEmpty ? nil : topics)
            Output.jsonLine(snapshot)
            for try await event in events {
                Output.jsonLine(event)
                if event.isOverflow { return true }
            }
            throw ControlClientError.eventStreamEnded(path: global.socketPath)
        }
        if overflowed {
            Output.error("fell too far behind the engine's events; run 'vpbx events' again to resynchronise")
            throw ExitCode(ExitStatus.engineError)
        }
    }
}
