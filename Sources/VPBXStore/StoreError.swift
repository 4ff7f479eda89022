/// An error from the store, with a stable machine-readable ``kind`` and a human message
/// that names the object involved ("extension 201 not found").
///
/// The kind is a struct over a private enum (rather than a public enum) so that adding a
/// kind later never breaks a caller's exhaustive `switch`.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable category of store error; the control layer maps it to a protocol reason.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case notFound = "not_found"
            case conflict
            case invalidArgument = "invalid_argument"
            case io
        }

        private let value: Value

        /// The object does not exist.
        public static let notFound = Kind(value: .notFound)
        /// The object already exists, or is in a state that forbids the change.
        public static let conflict = Kind(value: .conflict)
        /// The input fails validation; the message says which field and what is expected.
        public static let invalidArgument = Kind(value: .invalidArgument)
        /// The database could not be opened, read or written.
        public static let io = Kind(value: .io)

        /// The stable snake_case name of the kind (`not_found`, `conflict`, ...).
        public var description: String { value.rawValue }
    }

    /// What went wrong, for code.
    public let kind: Kind
    /// What went wrong, for people: names the object and, where possible, what to do.
    public let message: String

    /// Creates an error of a given kind with a human message.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }
}

extension StoreError {
    /// "<object> not found", e.g. `notFound("extension 201")`.
    static func notFound(_ object: String) -> StoreError {
        StoreError(.notFound, "\(object) not found")
    }

    /// "<object> already exists", e.g. `alreadyExists("extension 201")`.
    static func alreadyExists(_ object: String) -> StoreError {
        StoreError(.conflict, "\(object) already exists")
    }

    static func invalid(_ message: String) -> StoreError {
        StoreError(.invalidArgument, message)
    }
}
