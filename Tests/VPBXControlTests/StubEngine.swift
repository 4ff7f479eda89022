import Foundation

@testable import VPBXControl

/// A ControlServer on a temporary socket with in-memory handlers: the engine side as
/// far as the control protocol can see it.
final class StubEngine: Sendable {
    let socketPath: String
    let server: ControlServer
    let router = ControlRouter()
    let hub: EventHub
    let store = Store()

    actor Store {
        var extensions: [String: ExtensionInfo] = [:]
        func create(_ params: ExtensionCreate.Params) throws -> ExtensionInfo {
            guard extensions[params.number] == nil else { throw RPCError.conflict("extension \(params.number) exists") }
            let info = ExtensionInfo(
                number: params.number, name: params.name, kind: params.kind ?? .desk, mobileNumber: params.mobileNumber,
                language: params.language ?? .hu, noAnswerTimeout: params.noAnswerTimeout,
                staticContact: params.staticContact, enabled: params.enabled ?? true)
            extensions[params.number] = info
            return info
        }
        func get(_ number: String) throws -> ExtensionInfo {
            guard let info = extensions[number] else { throw RPCError.notFound("no extension \(number)") }
            return info
        }
        func update(_ params: ExtensionUpdate.Params) throws -> ExtensionInfo {
            var info = try get(params.number)
            if let name = params.name { info.name = name }
            if let enabled = params.enabled { info.enabled = enabled }
            if let mobile = params.mobileNumber { info.mobileNumber = mobile.isEmpty ? nil : mobile }
            extensions[params.number] = info
            return info
        }
        func delete(_ number: String) throws -> ExtensionInfo {
            let info = try get(number)
            extensions[number] = nil
            return info
        }
        var all: [ExtensionInfo] { extensions.values.sorted { $0.number < $1.number } }
    }

    /// How long `report.queue` takes to answer.
    static let reportTime = Duration.seconds(11)

    static let started = Date(timeIntervalSince1970: 1_738_324_800)

    /// `knowsEncryption: false` answers `cdr.search` as an engine from before stop 54 does:
    /// records without `encrypted`, the filter on it ignored.
    init(bufferLimit: Int = 1000, maximumLineLength: Int = 1 << 20, knowsEncryption: Bool = true) async throws {
        socketPath = "/tmp/vpbx-t-\(UUID().uuidString.prefix(8)).sock"
        hub = EventHub(bufferLimit: bufferLimit)
        server = ControlServer(
            configuration: .init(socketPath: socketPath, maximumLineLength: maximumLineLength), router: router, events: hub)
        registerHandlers(knowsEncryption: knowsEncryption)
        try await server.start()
    }

    private func registerHandlers(knowsEncryption: Bool) {
        let store = self.store
        router.register(EngineHello.self) { _, context in
            EngineHello.Result(engineVersion: "test", capabilities: ["events"], role: context.role)
        }
        router.register(EngineStatus.self) { _, _ in
            EngineStatus.Result(
                engineVersion: "test", startedAt: Self.started, uptimeSeconds: 3723, sipListen: ["udp:127.0.0.1:5060"],
                extensions: await store.all.count, registrations: 0, activeCalls: 1, eventSubscribers: 2,
                eventSubscribersDropped: 1)
        }
        router.register(ExtensionCreate.self) { params, _ in try await store.create(params) }
        router.register(ExtensionList.self) { _, _ in await store.all }
        router.register(ExtensionGet.self) { params, _ in try await store.get(params.number) }
        router.register(ExtensionUpdate.self) { params, _ in try await store.update(params) }
        router.register(ExtensionDelete.self) { params, _ in try await store.delete(params.number) }
        router.register(CallList.self) { _, _ in
            [CallInfo(id: "c1", caller: "101", callerName: "Anna", callee: "102", state: .answered, startedAt: Self.started)]
        }
        // Slower than the CLI's usual 10 s per answer, as a year's report of a big call center is.
        router.register(ReportQueue.self) { _, _ in
            try await Task.sleep(for: Self.reportTime)
            return []
        }
        router.register(CDRSearch.self) { params, _ in
            let limit = params.limit ?? 100
            guard (1...CDRSearch.maximumLimit).contains(limit) else {
                throw RPCError.invalidArgument("limit \(limit) is outside 1-10000", field: "limit")
            }
            var found = Self.records[...]
            if let number = params.number { found = found.filter { $0.caller == number || $0.callee == number }[...] }
            if knowsEncryption, let encrypted = params.encrypted {
                found = found.filter { $0.encrypted == encrypted }[...]
            }
            if let cursor = params.olderThan {
                found = found.drop { ($0.startedAt, $0.id) >= (cursor.startedAt, cursor.id) }
            }
            return Array(found.prefix(limit)).map { record in
                var record = record
                if !knowsEncryption { record.encrypted = nil }
                return record
            }
        }
    }

    /// 12,345 finished calls, newest first, two at each instant (ordered by id, as the
    /// engine orders them), so that a search pages over more than the 10,000 one answer carries.
    /// Every fourth (the second newest first) was encrypted.
    static let records: [CDRInfo] = (0..<12_345).map { index in
        let number = 12_345 - index
        return CDRInfo(
            id: "r" + String(100_000 + number).dropFirst(), caller: "101", callee: "+3612345678",
            startedAt: started.addingTimeInterval(Double(number / 2)), endedAt: started.addingTimeInterval(Double(number / 2)),
            durationSeconds: 0, billableSeconds: 0, disposition: .busy, cause: "486 Busy Here, \"really\"",
            encrypted: number % 4 == 0)
    }

    func stop() async {
        await server.stop()
    }
}
