extension Validation {
    /// A name an administrator gives to a schedule, menu or queue: a lowercase letter, then up
    /// to 31 lowercase letters, digits, `-` or `_` (safe in URLs, file names and shell scripts).
    static func objectName(_ value: String, field: String) throws {
        let bytes = Array(value.utf8)
        let allowed = bytes.allSatisfy {
            (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F
        }
        guard (1...32).contains(bytes.count), (0x61...0x7A).contains(bytes[0]), allowed else {
            throw StoreError.invalid(
                "\(field) '\(value)' is invalid: use 1-32 lowercase letters, digits, '-' or '_', starting with a letter"
            )
        }
    }

    /// A real calendar date written `YYYY-MM-DD`.
    static func isoDate(_ value: String, field: String) throws {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1
        else {
            throw StoreError.invalid("\(field) '\(value)' is not a date: write YYYY-MM-DD")
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else {
            throw StoreError.invalid("\(field) '\(value)' does not exist")
        }
    }
}

extension Validation {
    /// A prompt's name: lowercase letters, digits and `-`, 1-48 characters (it is a file name
    /// under `prompts/<lang>/`, so nothing that could leave that folder).
    static func promptName(_ value: String, field: String) throws {
        let bytes = Array(value.utf8)
        let allowed = bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
        guard (1...48).contains(bytes.count), allowed, bytes[0] != 0x2D else {
            throw StoreError.invalid("\(field) '\(value)' is not a prompt name: use lowercase letters, digits and '-'")
        }
    }
}

extension Validation {
    /// The longest feature code: `*` or `#` and this many digits.
    static let featureCodeDigits = 1...6

    /// A feature code: `*` or `#`, then 1-6 digits (`*97`, `*8`, `#31`). The leading `*` or `#`
    /// keeps codes apart from extension and route numbers, which are digits only, and is what
    /// every desk phone can dial and send in the Request-URI unescaped.
    static func featureCode(_ value: String, field: String) throws {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "*") || first == UInt8(ascii: "#"),
            featureCodeDigits.contains(bytes.count - 1),
            bytes.dropFirst().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            throw StoreError.invalid(
                "\(field) '\(value)' is invalid: expected * or # followed by 1 to 6 digits, e.g. *97 or #31")
        }
    }
}
