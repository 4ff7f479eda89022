import Foundation

/// The state changes of a CDR row, shared by every repository so they compute alike.
extension CDRRecord {
    /// Checks a record about to be begun.
    func validateBegin() throws {
        guard disposition == .inProgress, endedAt == nil, answeredAt == nil else {
            throw StoreError.invalid(
                "\(objectName) cannot begin already answered or ended: begin it in progress, "
                    + "then finish it")
        }
        try Validation.text(sipCallID, field: "SIP Call-ID of \(objectName)", maxLength: 256)
        try Validation.text(caller, field: "caller of \(objectName)", maxLength: 128)
        try Validation.text(callee, field: "callee of \(objectName)", maxLength: 128)
        if let callerName {
            try Validation.text(
                callerName, field: "caller name of \(objectName)", maxLength: 128, allowEmpty: true)
        }
    }

    /// Records the answer time of a running call.
    mutating func markAnswered(at time: Date) throws {
        try requireInProgress()
        guard time >= startedAt else {
            throw StoreError.invalid("\(objectName) cannot be answered before it started")
        }
        answeredAt = time
    }

    /// Records that a running call's audio was encrypted. Only ever set: a call encrypted
    /// for part of its conversation stays so in its record.
    mutating func markEncrypted() throws {
        try requireInProgress()
        encrypted = true
    }

    /// Replaces the path of a running call (it only grows while the call is routed on).
    mutating func replacePath(_ steps: [String]) throws {
        try requireInProgress()
        for step in steps { try Validation.text(step, field: "path step of \(objectName)", maxLength: 100) }
        path = steps.isEmpty ? nil : steps
    }

    /// Completes a running call and computes its durations. A nil `answeredAt` keeps the
    /// answer time recorded earlier by ``markAnswered(at:)``, if any.
    mutating func finish(
        answeredAt: Date?, endedAt: Date, disposition: CallDisposition, cause: String,
        hangupSide: HangupSide?
    ) throws {
        try requireInProgress()
        let object = objectName
        guard disposition != .inProgress else {
            throw StoreError.invalid("\(object) cannot finish as in_progress: give how it ended")
        }
        // The stored start is rounded to milliseconds, so a moment taken within the same
        // millisecond (a call refused at once) can read as slightly earlier: clamp it rather
        // than refuse the record.
        let slack: TimeInterval = 0.001
        guard endedAt >= startedAt.addingTimeInterval(-slack) else {
            throw StoreError.invalid("\(object) cannot end before it started")
        }
        let endedAt = max(endedAt, startedAt)
        let answered = (answeredAt ?? self.answeredAt).map {
            $0 >= startedAt.addingTimeInterval(-slack) ? max($0, startedAt) : $0
        }
        if let answered, !(startedAt...endedAt).contains(answered) {
            throw StoreError.invalid("\(object) must be answered between its start and its end")
        }
        if disposition == .answered && answered == nil {
            throw StoreError.invalid("\(object) is answered but has no answer time")
        }
        try Validation.text(cause, field: "cause of \(objectName)", maxLength: 128)
        complete(
            answeredAt: answered, endedAt: endedAt, disposition: disposition, cause: cause,
            hangupSide: hangupSide)
    }

    /// Finishes a call left running by a crash: the engine no longer knows how it went.
    mutating func recover(at now: Date) {
        // The row may be newer than the clock says (clock step); never end before the start.
        let end = max(now, startedAt)
        complete(
            answeredAt: answeredAt.map { min($0, end) }, endedAt: end, disposition: .failed,
            cause: "engine_restart", hangupSide: .system)
    }

    private mutating func complete(
        answeredAt: Date?, endedAt: Date, disposition: CallDisposition, cause: String,
        hangupSide: HangupSide?
    ) {
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.disposition = disposition
        self.cause = cause
        self.hangupSide = hangupSide
        durationSeconds = Self.wholeSeconds(from: startedAt, to: endedAt)
        billableSeconds = answeredAt.map { Self.wholeSeconds(from: $0, to: endedAt) } ?? 0
    }

    private func requireInProgress() throws {
        guard disposition == .inProgress else {
            throw StoreError(
                .conflict, "\(objectName) is already finished (\(disposition.rawValue))")
        }
    }

    /// Rounded to the nearest second (1.4 s is 1, 1.5 s is 2), never negative.
    private static func wholeSeconds(from start: Date, to end: Date) -> Int {
        max(0, Int(end.timeIntervalSince(start).rounded()))
    }
}
