import Foundation

/// Loads a message from `Fixtures/` exactly as bytes, so CRLFs and odd bytes reach the parser.
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "sip", subdirectory: "Fixtures") else {
            throw FixtureMissing(name: name)
        }
        return Array(try Data(contentsOf: url))
    }

    struct FixtureMissing: Error { let name: String }
}
