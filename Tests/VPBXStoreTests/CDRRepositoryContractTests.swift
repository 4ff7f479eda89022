import Foundation
import Testing
import VPBXStore

/// The CDR write-ahead contract, run against every backend.
@Suite("CDRRepository contract")
struct CDRRepositoryContractTests {
    private let start = TestClock.start

    @Test(arguments: StoreBackend.allCases)
    func beginWritesAnInProgressRow(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            try await repos.cdr.begin(call)
            let stored = try #require(try await repos.cdr.get(id: call.id))
            #expect(stored == call)
            #expect(stored.disposition == .inProgress)
            #expect(stored.path == ["route:outbound"])
            #expect(try await repos.cdr.get(id: UUID()) == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func beginTwiceIsAConflict(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            try await repos.cdr.begin(call)
            let error = await #expect(throws: StoreError.self) { try await repos.cdr.begin(call) }
            #expect(error?.kind == .conflict)
            #expect(error?.message.contains(call.id.uuidString.lowercased()) == true)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func finishComputesDurationAndBillableSeconds(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            try await repos.cdr.begin(call)
            let finished = try await repos.cdr.finish(
                id: call.id, answeredAt: start.addingTimeInterval(12),
                endedAt: start.addingTimeInterval(75), disposition: .answered, cause: "BYE",
                hangupSide: .callee)
            #expect(finished.durationSeconds == 75)
            #expect(finished.billableSeconds == 63)
            #expect(finished.cause == "BYE")
            #expect(finished.hangupSide == .callee)
            #expect(try await repos.cdr.get(id: call.id) == finished)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func answerRecordedAheadIsKeptByFinish(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            try await repos.cdr.begin(call)
            try await repos.cdr.markAnswered(id: call.id, at: start.addingTimeInterval(5))
            #expect(try await repos.cdr.get(id: call.id)?.answeredAt == start.addingTimeInterval(5))
            let finished = try await repos.cdr.finish(
                id: call.id, answeredAt: nil, endedAt: start.addingTimeInterval(35),
                disposition: .answered, cause: "BYE", hangupSide: .caller)
            #expect(finished.billableSeconds == 30)
            #expect(finished.durationSeconds == 35)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func unansweredCallHasNoBillableSeconds(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            try await repos.cdr.begin(call)
            let finished = try await repos.cdr.finish(
                id: call.id, answeredAt: nil, endedAt: start.addingTimeInterval(3),
                disposition: .busy, cause: "486 Busy Here", hangupSide: .callee)
            #expect(finished.durationSeconds == 3)
            #expect(finished.billableSeconds == 0)
            #expect(finished.answeredAt == nil)
        }
    }

    /// A call refused at once ends in the millisecond it started; the stored start is rounded to
    /// milliseconds and may read as later than the end. That must not lose the record.
    @Test(arguments: StoreBackend.allCases)
    func endingWithinTheStartingMillisecondIsKept(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let instant = Date(timeIntervalSince1970: 1_700_000_000.0006)
            let call = CDRRecord(id: UUID(), sipCallID: "x", caller: "1001", callee: "100", startedAt: instant)
            try await repos.cdr.begin(call)
            let finished = try await repos.cdr.finish(
                id: call.id, answeredAt: nil, endedAt: instant, disposition: .failed, cause: "480", hangupSide: .system)
            #expect(finished.durationSeconds == 0)
            #expect(finished.endedAt.map { $0 >= finished.startedAt } == true)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func finishErrors(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            try await repos.cdr.begin(call)
            let end = start.addingTimeInterval(10)

            let unknown = await #expect(throws: StoreError.self) {
                try await repos.cdr.finish(
                    id: UUID(), answeredAt: nil, endedAt: end, disposition: .failed,
                    cause: "503", hangupSide: .system)
            }
            #expect(unknown?.kind == .notFound)

            let invalid: [(Date?, Date, CallDisposition)] = [
                (nil, end, .inProgress),  // not an ending
                (nil, start.addingTimeInterval(-1), .cancelled),  // ends before it starts
                (nil, end, .answered),  // answered without an answer time
                (start.addingTimeInterval(11), end, .answered),  // answered after the end
            ]
            for (answeredAt, endedAt, disposition) in invalid {
                let error = await #expect(throws: StoreError.self) {
                    try await repos.cdr.finish(
                        id: call.id, answeredAt: answeredAt, endedAt: endedAt,
                        disposition: disposition, cause: "BYE", hangupSide: .caller)
                }
                #expect(error?.kind == .invalidArgument)
            }
            #expect(try await repos.cdr.get(id: call.id)?.disposition == .inProgress)

            try await repos.cdr.finish(
                id: call.id, answeredAt: nil, endedAt: end, disposition: .cancelled,
                cause: "CANCEL", hangupSide: .caller)
            let again = await #expect(throws: StoreError.self) {
                try await repos.cdr.finish(
                    id: call.id, answeredAt: nil, endedAt: end, disposition: .failed,
                    cause: "BYE", hangupSide: .caller)
            }
            #expect(again?.kind == .conflict)
            #expect(again?.message.contains("already finished") == true)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func recoverUnfinishedClosesOnlyRunningCalls(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let running = Fixtures.call()
            let answered = Fixtures.call()
            let done = Fixtures.call()
            for call in [running, answered, done] { try await repos.cdr.begin(call) }
            try await repos.cdr.markAnswered(id: answered.id, at: start.addingTimeInterval(10))
            let finished = try await repos.cdr.finish(
                id: done.id, answeredAt: nil, endedAt: start.addingTimeInterval(4),
                disposition: .noAnswer, cause: "480 Temporarily Unavailable", hangupSide: .system)

            let now = start.addingTimeInterval(100)
            #expect(try await repos.cdr.recoverUnfinished(now: now) == 2)

            let recovered = try #require(try await repos.cdr.get(id: running.id))
            #expect(recovered.disposition == .failed)
            #expect(recovered.cause == "engine_restart")
            #expect(recovered.hangupSide == .system)
            #expect(recovered.endedAt == now)
            #expect(recovered.durationSeconds == 100)
            #expect(recovered.billableSeconds == 0)
            #expect(try await repos.cdr.get(id: answered.id)?.billableSeconds == 90)
            #expect(try await repos.cdr.get(id: done.id) == finished)
            #expect(try await repos.cdr.recoverUnfinished(now: now) == 0)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func searchFilters(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            // Calls a minute apart: 201→202 busy, 203→201 answered, 202→204 answered.
            let calls = [("201", "202"), ("203", "201"), ("202", "204")].enumerated().map {
                Fixtures.call(
                    caller: $1.0, callee: $1.1, startedAt: start.addingTimeInterval(Double($0) * 60)
                )
            }
            for call in calls { try await repos.cdr.begin(call) }
            try await repos.cdr.finish(
                id: calls[0].id, answeredAt: nil, endedAt: start.addingTimeInterval(5),
                disposition: .busy, cause: "486 Busy Here", hangupSide: .callee)
            for call in calls[1...] {
                try await repos.cdr.finish(
                    id: call.id, answeredAt: call.startedAt,
                    endedAt: call.startedAt.addingTimeInterval(30),
                    disposition: .answered, cause: "BYE", hangupSide: .caller)
            }
            func ids(_ query: CDRQuery) async throws -> [UUID] {
                try await repos.cdr.search(query).map(\.id)
            }

            #expect(try await ids(CDRQuery()) == [calls[2].id, calls[1].id, calls[0].id])
            #expect(try await ids(CDRQuery(number: "201")) == [calls[1].id, calls[0].id])
            #expect(try await ids(CDRQuery(disposition: .answered)) == [calls[2].id, calls[1].id])
            #expect(try await ids(CDRQuery(disposition: .noAnswer)).isEmpty)
            #expect(
                try await ids(CDRQuery(since: start.addingTimeInterval(60))) == [
                    calls[2].id, calls[1].id,
                ])
            #expect(try await ids(CDRQuery(until: start.addingTimeInterval(60))) == [calls[0].id])
            #expect(
                try await ids(
                    CDRQuery(
                        since: start.addingTimeInterval(60), until: start.addingTimeInterval(120)))
                    == [calls[1].id])
            #expect(try await ids(CDRQuery(number: "202", disposition: .answered)) == [calls[2].id])
            #expect(try await ids(CDRQuery(limit: 1)) == [calls[2].id])
        }
    }

    /// A number's calls made and received, interleaved in time, cut to a limit smaller than
    /// either side: the SQL backend searches each side on its own and merges them.
    @Test(arguments: StoreBackend.allCases)
    func searchMergesANumbersCallsFromBothSides(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            // 201 calls out at 0, 2, 4 ... s, is called at 1, 3, 5 ... s, and at 20 s calls itself.
            var calls: [CDRRecord] = []
            for second in 0..<20 {
                let outgoing = second % 2 == 0
                let time = start.addingTimeInterval(Double(second))
                calls.append(
                    outgoing
                        ? Fixtures.call(caller: "201", callee: "+3622222222", startedAt: time)
                        : Fixtures.call(caller: "+3611111111", callee: "201", startedAt: time))
            }
            calls.append(Fixtures.call(caller: "201", callee: "201", startedAt: start.addingTimeInterval(20)))
            // Two calls at the same instant: the id breaks the tie, as for the in-memory twin.
            let tied = [UUID(), UUID()].sorted { $0.uuidString < $1.uuidString }
            calls.append(Fixtures.call(id: tied[0], caller: "201", startedAt: start.addingTimeInterval(30)))
            calls.append(Fixtures.call(id: tied[1], callee: "201", startedAt: start.addingTimeInterval(30)))
            calls.append(Fixtures.call(caller: "202", callee: "203", startedAt: start.addingTimeInterval(40)))
            for call in calls.shuffled() { try await repos.cdr.begin(call) }

            let found = try await repos.cdr.search(CDRQuery(number: "201", limit: 5)).map(\.id)
            #expect(found == [tied[1], tied[0], calls[20].id, calls[19].id, calls[18].id])
            let all = try await repos.cdr.search(CDRQuery(number: "201", limit: 100))
            #expect(all.count == 23)
            #expect(all.map(\.startedAt) == all.map(\.startedAt).sorted(by: >))
            let window = try await repos.cdr.search(
                CDRQuery(
                    since: start.addingTimeInterval(5), until: start.addingTimeInterval(9), number: "201",
                    limit: 3))
            #expect(window.map(\.id) == [calls[8].id, calls[7].id, calls[6].id])
        }
    }

    /// Page after page from the last record of the previous one: every call once, in the
    /// newest-first order, ties on the start included, with or without a number; calls still
    /// in progress left out when asked (the engine asks, so a page is full when more match).
    @Test(arguments: StoreBackend.allCases)
    func searchPagesFromAPosition(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            var calls: [CDRRecord] = []
            for index in 0..<30 {
                // Three calls at each second; 201 is in two of every three.
                let time = start.addingTimeInterval(Double(index / 3))
                let call = index % 3 == 0
                    ? Fixtures.call(caller: "202", callee: "203", startedAt: time)
                    : index % 3 == 1 ? Fixtures.call(caller: "201", startedAt: time)
                    : Fixtures.call(caller: "+3611111111", callee: "201", startedAt: time)
                calls.append(call)
            }
            for call in calls.shuffled() { try await repos.cdr.begin(call) }
            let unfinished = calls[29]
            for call in calls where call.id != unfinished.id {
                try await repos.cdr.finish(
                    id: call.id, answeredAt: nil, endedAt: call.startedAt.addingTimeInterval(5), disposition: .busy,
                    cause: "486 Busy Here", hangupSide: .callee)
            }
            for number in [nil, "201"] as [String?] {
                let everything = try await repos.cdr.search(CDRQuery(number: number, limit: 100))
                var paged: [CDRRecord] = []
                var position: CDRPosition?
                while true {
                    let page = try await repos.cdr.search(CDRQuery(number: number, limit: 4, before: position))
                    paged += page
                    guard let last = page.last, page.count == 4 else { break }
                    position = CDRPosition(startedAt: last.startedAt, id: last.id)
                }
                #expect(paged.map(\.id) == everything.map(\.id), "\(number ?? "every number")")
                #expect(everything.count == (number == nil ? 30 : 20))
            }
            let finished = try await repos.cdr.search(CDRQuery(limit: 100, finishedOnly: true))
            #expect(finished.count == 29 && !finished.contains { $0.id == unfinished.id })
            #expect(finished.allSatisfy { $0.disposition != .inProgress })
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func searchReturnsAtMostTheDefaultLimit(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let total = CDRQuery.defaultLimit + 5
            for index in 0..<total {
                try await repos.cdr.begin(
                    Fixtures.call(startedAt: start.addingTimeInterval(Double(index))))
            }
            let found = try await repos.cdr.search(CDRQuery())
            #expect(found.count == CDRQuery.defaultLimit)
            #expect(found.first?.startedAt == start.addingTimeInterval(Double(total - 1)))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func searchRejectsBadQueries(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            for query in [
                CDRQuery(limit: 0), CDRQuery(since: start, until: start.addingTimeInterval(-1)),
            ] {
                let error = await #expect(throws: StoreError.self) {
                    try await repos.cdr.search(query)
                }
                #expect(error?.kind == .invalidArgument)
            }
        }
    }
}
