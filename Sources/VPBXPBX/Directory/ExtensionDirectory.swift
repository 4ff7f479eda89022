import VPBXStore

/// The extensions the core routes to and authenticates against, kept in memory so the SIP path
/// never waits for the database. The engine loads it at start and updates it on every change
/// made through the control socket (the store stays the source of truth).
struct ExtensionDirectory: Sendable {
    private(set) var byNumber: [String: ExtensionRecord] = [:]

    init(_ records: [ExtensionRecord] = []) {
        for record in records { byNumber[record.number] = record }
    }

    subscript(number: String) -> ExtensionRecord? { byNumber[number] }

    mutating func upsert(_ record: ExtensionRecord) { byNumber[record.number] = record }

    mutating func remove(_ number: String) { byNumber[number] = nil }

    var count: Int { byNumber.count }
}
