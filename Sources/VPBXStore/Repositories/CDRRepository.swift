import Foundation

/// Stores call detail records, written ahead: ``begin(_:)`` at call start, then
/// ``finish(id:answeredAt:endedAt:disposition:cause:hangupSide:)`` at the end, so that a
/// crash leaves an `in_progress` row that ``recoverUnfinished(now:)`` closes on the next
/// start. Errors are ``StoreError``s.
public protocol CDRRepository: Sendable {
    /// Inserts the row of a call that has just started (disposition `in_progress`).
    /// Throws `conflict` if the id exists.
    func begin(_ record: CDRRecord) async throws

    /// Records the answer time of a running call, so that billing survives a crash.
    func markAnswered(id: UUID, at time: Date) async throws

    /// Records that a running call's audio was encrypted (SRTP) while it was answered; it
    /// stays so. Throws `notFound`, or `conflict` once the call is finished.
    func markEncrypted(id: UUID) async throws

    /// Replaces the path of a running call (an application handed the caller on).
    func replacePath(id: UUID, path: [String]) async throws

    /// Completes a running call, computing its duration and billable seconds, and returns
    /// the finished row. A nil `answeredAt` keeps one recorded by ``markAnswered(id:at:)``.
    /// Throws `notFound`, `conflict` if already finished, or `invalidArgument`.
    @discardableResult
    func finish(
        id: UUID, answeredAt: Date?, endedAt: Date, disposition: CallDisposition,
        cause: String, hangupSide: HangupSide?
    ) async throws -> CDRRecord

    /// The row of one call, or nil.
    func get(id: UUID) async throws -> CDRRecord?

    /// The rows matching a query, newest first.
    func search(_ query: CDRQuery) async throws -> [CDRRecord]

    /// Marks every row still `in_progress` (left by a crash) as `failed` with cause
    /// `engine_restart`, ended at `now` by the system; returns how many. Call it once at
    /// start-up, before accepting calls.
    @discardableResult
    func recoverUnfinished(now: Date) async throws -> Int
}
