import Foundation

/// One change the engine makes to the store behind the SIP path: the write-ahead steps of a
/// CDR and the registrar's bindings. A value, so a batch of them can be applied in one
/// transaction (see ``StoreWriter``).
public enum StoreWrite: Sendable, Equatable, CustomStringConvertible {
    /// ``CDRRepository/begin(_:)``.
    case cdrBegin(CDRRecord)
    /// ``CDRRepository/markAnswered(id:at:)``.
    case cdrAnswered(id: UUID, at: Date)
    /// ``CDRRepository/finish(id:answeredAt:endedAt:disposition:cause:hangupSide:)``.
    case cdrFinish(
        id: UUID, answeredAt: Date?, endedAt: Date, disposition: CallDisposition, cause: String,
        hangupSide: HangupSide?)
    /// The steps a running call has gone through so far (a menu choice, a diversion to
    /// voicemail), replacing the path it began with.
    case cdrPath(id: UUID, path: [String])
    /// ``CDRRepository/markEncrypted(id:)``: the running call's audio was encrypted while it
    /// was answered. The core sends it just before the call's finish.
    case cdrEncrypted(id: UUID)
    /// ``RegistrationRepository/upsert(_:)``.
    case registrationUpsert(RegistrationRecord)
    /// ``RegistrationRepository/remove(extensionNumber:contactURI:)``.
    case registrationRemove(extensionNumber: String, contactURI: String)

    /// For logs: "cdr finish <uuid>", "registration 201 sip:...".
    public var description: String {
        switch self {
        case .cdrBegin(let record): "cdr begin \(CDRRecord.key(record.id))"
        case .cdrAnswered(let id, _): "cdr answered \(CDRRecord.key(id))"
        case .cdrFinish(let id, _, _, _, _, _): "cdr finish \(CDRRecord.key(id))"
        case .cdrPath(let id, _): "cdr path \(CDRRecord.key(id))"
        case .cdrEncrypted(let id): "cdr encrypted \(CDRRecord.key(id))"
        case .registrationUpsert(let record): "registration \(record.extensionNumber) \(record.contactURI)"
        case .registrationRemove(let number, let contact): "unregister \(number) \(contact)"
        }
    }
}

/// Applies ``StoreWrite``s in order. One call is one transaction where the backend has them, so
/// the write-behind queue pays one commit per batch instead of one per write.
public protocol StoreWriter: Sendable {
    /// Applies `writes` in order.
    ///
    /// - Throws: ``StoreWriteFailure``: which write failed, and how many before it are applied
    ///   (0 for a transactional backend, which rolls the whole batch back).
    func apply(_ writes: [StoreWrite]) async throws
}

/// A batch failed: the first ``applied`` writes are in the store, the rest are not.
public struct StoreWriteFailure: Error, Sendable, CustomStringConvertible {
    /// How many writes at the start of the batch are applied (and must not be applied again).
    public let applied: Int
    /// Why the write after them (or the commit) failed.
    public let underlying: StoreError

    public init(applied: Int, underlying: StoreError) {
        self.applied = applied
        self.underlying = underlying
    }

    public var description: String { "\(underlying) (\(applied) writes before it applied)" }
}

/// A ``StoreWriter`` over any two repositories, one write (and one transaction) at a time: for
/// test fakes and backends without a batch form. Not atomic: a failure reports how many
/// writes went in before it.
public struct RepositoryStoreWriter: StoreWriter {
    let cdrs: any CDRRepository
    let registrations: any RegistrationRepository

    public init(cdrs: any CDRRepository, registrations: any RegistrationRepository) {
        self.cdrs = cdrs
        self.registrations = registrations
    }

    public func apply(_ writes: [StoreWrite]) async throws {
        for (index, write) in writes.enumerated() {
            do {
                try await apply(write)
            } catch {
                throw StoreWriteFailure(applied: index, underlying: StoreError.wrapping(error))
            }
        }
    }

    private func apply(_ write: StoreWrite) async throws {
        switch write {
        case .cdrBegin(let record): try await cdrs.begin(record)
        case .cdrAnswered(let id, let time): try await cdrs.markAnswered(id: id, at: time)
        case .cdrFinish(let id, let answeredAt, let endedAt, let disposition, let cause, let side):
            _ = try await cdrs.finish(
                id: id, answeredAt: answeredAt, endedAt: endedAt, disposition: disposition, cause: cause,
                hangupSide: side)
        case .cdrPath(let id, let path): try await cdrs.replacePath(id: id, path: path)
        case .cdrEncrypted(let id): try await cdrs.markEncrypted(id: id)
        case .registrationUpsert(let record): _ = try await registrations.upsert(record)
        case .registrationRemove(let number, let contact):
            _ = try await registrations.remove(extensionNumber: number, contactURI: contact)
        }
    }
}

extension StoreWrite {
    /// Checks what can be checked without the store, as the repositories do first.
    func validate() throws {
        switch self {
        case .cdrBegin(let record): try record.validateBegin()
        case .registrationUpsert(let binding): try binding.validate()
        case .cdrAnswered, .cdrFinish, .cdrPath, .cdrEncrypted, .registrationRemove: break
        }
    }

    /// Names the object for error messages, as the repositories do.
    var objectName: String {
        switch self {
        case .cdrBegin(let record): record.objectName
        case .cdrAnswered(let id, _), .cdrFinish(let id, _, _, _, _, _), .cdrPath(let id, _), .cdrEncrypted(let id):
            "call \(CDRRecord.key(id))"
        case .registrationUpsert(let binding): binding.objectName
        case .registrationRemove(let number, let contact): "binding \(contact) of extension \(number)"
        }
    }
}

extension StoreError {
    /// A repository's error as it is, anything else as an `io` error.
    static func wrapping(_ error: any Error) -> StoreError {
        (error as? StoreError) ?? StoreError(.io, "\(error)")
    }
}
