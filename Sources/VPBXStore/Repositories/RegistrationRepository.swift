import Foundation

/// Stores the registrar's bindings. Errors are ``StoreError``s.
public protocol RegistrationRepository: Sendable {
    /// Inserts or refreshes the binding for (extension, contact URI) and returns it as
    /// stored (with its id). A refresh keeps the original `registeredAt`.
    /// Throws `notFound` if the extension does not exist.
    @discardableResult
    func upsert(_ binding: RegistrationRecord) async throws -> RegistrationRecord

    /// Removes one binding; returns whether it existed.
    @discardableResult
    func remove(extensionNumber: String, contactURI: String) async throws -> Bool

    /// Removes every binding of an extension (`Contact: *`); returns how many.
    @discardableResult
    func removeAll(extensionNumber: String) async throws -> Int

    /// The bindings of one extension, or of all when nil, ordered by extension then contact.
    func list(extensionNumber: String?) async throws -> [RegistrationRecord]

    /// Removes the bindings expired at `now` (`expiresAt <= now`) and returns them.
    func purgeExpired(now: Date) async throws -> [RegistrationRecord]
}

extension RegistrationRepository {
    /// All bindings, ordered by extension then contact.
    public func list() async throws -> [RegistrationRecord] {
        try await list(extensionNumber: nil)
    }
}
