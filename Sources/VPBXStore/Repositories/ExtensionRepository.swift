/// Stores extensions. Errors are ``StoreError``s.
public protocol ExtensionRepository: Sendable {
    /// Validates and inserts an extension, setting its timestamps; returns it as stored.
    /// Throws `conflict` if the number exists.
    func create(_ record: ExtensionRecord) async throws -> ExtensionRecord

    /// The extension with this number, or nil.
    func get(_ number: String) async throws -> ExtensionRecord?

    /// All extensions in dial-plan order (99, 100, 1000; see ``ExtensionRecord/dialPlanOrder(_:_:)``).
    func list() async throws -> [ExtensionRecord]

    /// Applies a partial update and returns the result; throws `notFound` if missing,
    /// `invalidArgument` if the result would be invalid.
    func update(_ number: String, with patch: ExtensionPatch) async throws -> ExtensionRecord

    /// Deletes an extension and its registrations; returns whether it existed.
    @discardableResult
    func delete(_ number: String) async throws -> Bool
}
