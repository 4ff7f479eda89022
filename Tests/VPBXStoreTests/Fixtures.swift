import Foundation
import VPBXStore

/// Valid sample records; tests change only what they are about.
enum Fixtures {
    static let md5 = String(repeating: "a1", count: 16)
    static let sha256 = String(repeating: "b2", count: 32)

    static func extensionRecord(_ number: String = "201", name: String = "Kovács Anna")
        -> ExtensionRecord
    {
        ExtensionRecord(number: number, displayName: name, ha1MD5: md5, ha1SHA256: sha256)
    }

    static func binding(
        _ extensionNumber: String = "201",
        contact: String = "sip:201@192.0.2.10:5060",
        expiresIn seconds: TimeInterval = 3600,
        at now: Date = TestClock.start
    ) -> RegistrationRecord {
        RegistrationRecord(
            extensionNumber: extensionNumber, contactURI: contact,
            expiresAt: now.addingTimeInterval(seconds), callID: "reg-\(extensionNumber)@phone",
            cseq: 1, transport: .udp, sourceHost: "198.51.100.7", sourcePort: 5060,
            userAgent: "Yealink T46U", registeredAt: now)
    }

    static func call(
        id: UUID = UUID(),
        caller: String = "201",
        callee: String = "+3612345678",
        startedAt: Date = TestClock.start
    ) -> CDRRecord {
        CDRRecord(
            id: id, sipCallID: "call-\(id.uuidString)@vpbx", caller: caller,
            callerName: "Kovács Anna", callee: callee, startedAt: startedAt,
            path: ["route:outbound"])
    }
}
