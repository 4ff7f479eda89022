import GRDB

/// Reading and writing with GRDB errors turned into ``StoreError``s that name the object.
extension VPBXDatabase {
    /// Runs `body` in a write transaction; `object` names what is being written, for errors
    /// ("extension 201").
    func write<T: Sendable>(
        _ object: @autoclosure () -> String,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try checkOpen(object())
        do {
            return try await writer.write(body)
        } catch {
            throw Self.storeError(error, object: object())
        }
    }

    /// Runs `body` in a write transaction and lets its errors through as they are, for a
    /// caller that names the failing object itself (a batch of writes).
    func writeUnmapped<T: Sendable>(
        _ object: @autoclosure () -> String,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try checkOpen(object())
        return try await writer.write(body)
    }

    /// Runs `body` in a read-only transaction (a snapshot, concurrent with writes in WAL).
    func read<T: Sendable>(
        _ object: @autoclosure () -> String,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try checkOpen(object())
        do {
            return try await writer.read(body)
        } catch {
            throw Self.storeError(error, object: object())
        }
    }

    func checkOpen(_ object: String) throws {
        if isClosed {
            throw StoreError(.io, "cannot access \(object): the database is closed")
        }
    }

    /// Maps an error thrown inside a database access to a ``StoreError``.
    static func storeError(_ error: any Error, object: String) -> StoreError {
        if let error = error as? StoreError {
            return error
        }
        guard let error = error as? DatabaseError else {
            return StoreError(.io, "cannot access \(object): \(describe(error))")
        }
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_PRIMARYKEY, .SQLITE_CONSTRAINT_UNIQUE:
            return .alreadyExists(object)
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            return StoreError(.notFound, "\(object) refers to a missing object")
        default:
            if error.resultCode == .SQLITE_CONSTRAINT {
                return StoreError(.invalidArgument, "\(object) is invalid: \(describe(error))")
            }
            return StoreError(.io, "cannot access \(object): \(describe(error))")
        }
    }

    /// A one-line description of a GRDB or system error, without the SQL.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            let message = error.message ?? "\(error.resultCode)"
            return "\(message) (SQLite error \(error.extendedResultCode.rawValue))"
        }
        if let error = error as? StoreError {
            return error.message
        }
        return "\(error)"
    }
}
