import Foundation
import Testing
import VPBXStore

/// Field validation of records, with messages that name the field and the object.
@Suite("Validation")
struct ValidationTests {
    /// A broken extension and a fragment its error message must contain.
    struct BadExtension: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let record: ExtensionRecord
        let message: String

        init(_ name: String, message: String, _ change: (inout ExtensionRecord) -> Void) {
            var record = Fixtures.extensionRecord("201")
            change(&record)
            self.testDescription = name
            self.record = record
            self.message = message
        }
    }

    static let badExtensions: [BadExtension] = [
        BadExtension("one digit", message: "extension number '2' is invalid") { $0.number = "2" },
        BadExtension("16 digits", message: "expected 2 to 15 digits") {
            $0.number = String(repeating: "1", count: 16)
        },
        BadExtension("letters", message: "'20A'") { $0.number = "20A" },
        BadExtension("plus sign", message: "'+201'") { $0.number = "+201" },
        BadExtension("empty name", message: "display name of extension 201 must not be empty") {
            $0.displayName = "  "
        },
        BadExtension("control character in name", message: "control characters") {
            $0.displayName = "Anna\u{7}"
        },
        BadExtension("short MD5", message: "MD5 HA1 of extension 201") { $0.ha1MD5 = "abc" },
        BadExtension("uppercase SHA-256", message: "64 lowercase hexadecimal") {
            $0.ha1SHA256 = $0.ha1SHA256.uppercased()
        },
        BadExtension("national mobile", message: "expected E.164") {
            $0.mobileNumber = "06301234567"
        },
        BadExtension("mobile with leading zero", message: "expected E.164") {
            $0.mobileNumber = "+06301234567"
        },
        BadExtension("mobile kind without number", message: "has no mobile number") {
            $0.kind = .mobile
        },
        BadExtension("timeout too short", message: "no-answer timeout of extension 201 4s") {
            $0.noAnswerTimeout = 4
        },
        BadExtension("timeout too long", message: "expected 5 to 600s") {
            $0.noAnswerTimeout = 601
        },
        BadExtension("static contact not SIP", message: "expected a SIP URI") {
            $0.staticContact = "http://door.example"
        },
        BadExtension("static contact without host", message: "static contact") {
            $0.staticContact = "sip:"
        },
    ]

    @Test(arguments: badExtensions)
    func invalidExtensionIsRejected(_ bad: BadExtension) throws {
        let error = #expect(throws: StoreError.self) { try bad.record.validate() }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains(bad.message) == true, "\(error?.message ?? "")")
    }

    @Test func validExtensionsPass() throws {
        try Fixtures.extensionRecord("10").validate()
        try Fixtures.extensionRecord(String(repeating: "9", count: 15)).validate()
        var mobile = Fixtures.extensionRecord("301")
        mobile.kind = .mobile
        mobile.mobileNumber = "+36301234567"
        mobile.staticContact = "SIPS:301@gw.example.com;transport=tls"
        try mobile.validate()
    }

    @Test(arguments: [
        ("contact", "tel:+3612345678"),
        ("call-id", ""),
        ("host", ""),
        ("port", "70000"),
    ])
    func invalidBindingIsRejected(field: String, value: String) throws {
        var binding = Fixtures.binding("201")
        switch field {
        case "contact": binding.contactURI = value
        case "call-id": binding.callID = value
        case "host": binding.sourceHost = value
        default: binding.sourcePort = Int(value)!
        }
        let error = #expect(throws: StoreError.self) { try binding.validate() }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("binding of extension 201") == true)
    }

    @Test func cdrCannotBeginAlreadyFinished() async throws {
        var call = Fixtures.call()
        call.disposition = .answered
        let error = await #expect(throws: StoreError.self) {
            try await InMemoryCDRRepository(store: InMemoryStore()).begin(call)
        }
        #expect(error?.kind == .invalidArgument)
    }

    @Test func errorKindsHaveStableNames() {
        #expect(StoreError.Kind.notFound.description == "not_found")
        #expect(StoreError.Kind.conflict.description == "conflict")
        #expect(StoreError.Kind.invalidArgument.description == "invalid_argument")
        #expect(StoreError.Kind.io.description == "io")
        #expect(
            "\(StoreError(.conflict, "extension 201 already exists"))"
                == "conflict: extension 201 already exists")
    }
}
