import Foundation
import Logging
import VPBXPBX
import VPBXSIP
import VPBXSignaling
import VPBXStore

/// A PBX core wired to fakes: recorded SIP, fake media, in-memory store. Short transaction
/// timers so timeouts (Timer B/F/H = 64·T1) happen within a test's time budget.
final class PBXHarness: Sendable {
    static let realm = "vpbx.test"
    static let advertisedHost = "198.51.100.1"
    static let mediaAddress = "203.0.113.5"

    static let configuration = PBXConfiguration(
        realm: realm, advertisedHost: advertisedHost, advertisedPort: 5060, mediaAddress: mediaAddress,
        minimumRegistrationExpiry: 60, maximumRegistrationExpiry: 3600, defaultRegistrationExpiry: 600,
        timings: TransactionTimings(t1: .milliseconds(50), t2: .milliseconds(400), t4: .milliseconds(500)),
        tickInterval: .milliseconds(5),
        // Off: a slow test machine can keep a batch waiting 200 ms, and most tests are not
        // about overload (CallAdmissionTests turn it on).
        overloadQueueDelay: nil)

    let store: InMemoryStore
    let extensions: InMemoryExtensionRepository
    let registrations: InMemoryRegistrationRepository
    let cdrs: InMemoryCDRRepository
    let outbound = RecordingOutbound()
    let media = FakeMediaFactory()
    let hosts = FakeHosts()
    let core: PBXCore

    /// A core on `store` (a fresh one unless given, so a restart can reuse the old one),
    /// writing through `writer` (the store's own unless given: a failing one plays a full disk).
    init(
        store: InMemoryStore = InMemoryStore(), configuration: PBXConfiguration = PBXHarness.configuration,
        events: @escaping @Sendable (PBXEvent) -> Void = { _ in }, wantsEvents: @escaping @Sendable () -> Bool = { true },
        writer: (any StoreWriter)? = nil
    ) {
        self.store = store
        extensions = InMemoryExtensionRepository(store: store)
        registrations = InMemoryRegistrationRepository(store: store)
        cdrs = InMemoryCDRRepository(store: store)
        var logger = Logger(label: "vpbx.pbx.tests")
        logger.logLevel = .critical
        core = PBXCore(
            configuration: configuration, outbound: outbound, media: media, extensions: extensions,
            registrations: registrations, cdrs: cdrs, logger: logger, events: events, wantsEvents: wantsEvents,
            writer: writer ?? InMemoryStoreWriter(store: store), hosts: hosts)
    }

    /// Stores the extensions of `phones` (their passwords hashed as the engine would).
    func provision(_ phones: [Phone], noAnswerTimeout: Int = ExtensionRecord.defaultNoAnswerTimeout) async throws {
        for phone in Set(phones.map(\.number)) {
            let password = phones.first { $0.number == phone }!.password
            _ = try await extensions.create(Self.extensionRecord(phone, password: password, noAnswerTimeout: noAnswerTimeout))
        }
    }

    static func extensionRecord(_ number: String, password: String, noAnswerTimeout: Int = 30) -> ExtensionRecord {
        ExtensionRecord(
            number: number, displayName: "Extension \(number)",
            ha1MD5: DigestHash.ha1(username: number, realm: realm, password: password, algorithm: .md5),
            ha1SHA256: DigestHash.ha1(username: number, realm: realm, password: password, algorithm: .sha256),
            noAnswerTimeout: noAnswerTimeout)
    }

    /// Runs `body` against a started core with `phones` provisioned, and always shuts it down.
    static func run(
        _ phones: [Phone], configuration: PBXConfiguration = PBXHarness.configuration,
        events: @escaping @Sendable (PBXEvent) -> Void = { _ in }, _ body: (PBXHarness) async throws -> Void
    ) async throws {
        let harness = PBXHarness(configuration: configuration, events: events)
        try await harness.provision(phones)
        try await harness.core.start()
        do {
            try await body(harness)
        } catch {
            await harness.core.shutdown()
            throw error
        }
        await harness.core.shutdown()
    }

    // MARK: Talking to the core

    func send(_ request: SIPRequest, from phone: Phone) {
        core.receive(IncomingSIP(message: .request(request), source: phone.address))
    }

    func send(_ response: SIPResponse, from phone: Phone) {
        core.receive(IncomingSIP(message: .response(response), source: phone.address))
    }

    /// Waits until the core has handled everything sent before: the core handles its input in
    /// order, so once an OPTIONS sent now is answered, earlier messages have been processed.
    func settle(via phone: Phone) async throws {
        let callID = "settle-\(UUID().uuidString)"
        send(Self.options(from: phone, callID: callID), from: phone)
        _ = try await outbound.next("OPTIONS barrier answer") { $0.response?.headers.callID == callID }
    }

    /// An out-of-dialog OPTIONS from `phone`, which the core answers 200.
    static func options(from phone: Phone, callID: String) -> SIPRequest {
        SIPRequest(
            method: .options, uri: SIPURI(host: Phone.domain),
            headers: SIPHeaders([
                ("Via", phone.via()), ("Max-Forwards", "70"), ("From", "<\(phone.aor)>;tag=\(SIPIdentifiers.tag())"),
                ("To", "<sip:\(Phone.domain)>"), ("Call-ID", callID), ("CSeq", "1 OPTIONS"),
            ]))
    }

    /// REGISTER with the digest exchange; returns the final response.
    @discardableResult
    func register(
        _ phone: Phone, expires: Int? = 3600, contact: String? = nil, password: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> SIPResponse {
        var request = phone.register(expires: expires, contact: contact)
        for (name, value) in extra { request.headers.add(name, value) }
        send(request, from: phone)
        let challenge = try await outbound.response(401, .register, to: phone.address)
        send(try phone.authorized(request, answering: challenge, password: password), from: phone)
        return try await outbound.next("final answer to REGISTER of \(phone.number)") {
            $0.destination == phone.address && $0.cseqMethod == .register && ($0.response?.statusCode ?? 0) >= 200
        }.response!
    }

    /// Sends an INVITE, answers the 407 (ACKing it), and returns the authenticated INVITE.
    func placeCall(
        from phone: Phone, to callee: String, sdp: String?, headers: [(String, String)] = []
    ) async throws -> SIPRequest {
        var invite = phone.invite(callee, sdp: sdp)
        for (name, value) in headers { invite.headers.add(name, value) }
        send(invite, from: phone)
        let challenge = try await outbound.response(407, .invite, to: phone.address)
        send(phone.ack(failure: challenge, of: invite), from: phone)
        let authenticated = try phone.authorized(invite, answering: challenge)
        send(authenticated, from: phone)
        return authenticated
    }

    /// The CDR of the one finished call involving `number`, once written.
    func finishedCDR(of number: String) async throws -> CDRRecord {
        try await eventually("a finished CDR for \(number)") {
            let rows = try await cdrs.search(CDRQuery(number: number)).filter { $0.disposition != .inProgress }
            return rows.count == 1 ? rows[0] : nil
        }
    }
}
