import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Queue, agent and report administration through the real CLI against a real engine.
    @Suite("Queue administration")
    struct QueueAdminTests {
        static let allOptions = [
            "queue", "add", "sales", "--strategy", "round-robin", "--ring-timeout", "15", "--retry-delay", "3",
            "--max-wait", "300", "--overflow", "vm:1001", "--max-length", "12", "--join-when-empty",
            "no-agents-logged-in", "--leave-when-empty", "no-agents-unpaused", "--service-level", "30",
            "--short-abandon", "4", "--wrap-up", "10", "--announce-every", "60", "--exit-digit", "#",
            "--pause-on-no-answer",
        ]

        static func addAgents(_ pbx: TestPBX) async throws {
            try await pbx.cli.succeed(["agent", "add", "2001", "--name", "Kovács Anna", "--pin", "4711"])
            try await pbx.cli.succeed(["agent", "add", "2002", "--name", "Nagy Béla"])
            try await pbx.cli.succeed(["agent", "add", "2003", "--name", "Szabó Cili"])
        }

        @Test("every queue setting and the member order round-trip through queue show, also after a restart")
        func roundTrip() async throws {
            try await TestPBX.run { pbx in
                try await Self.addAgents(pbx)
                let created = try await pbx.cli.json(QueueInfo.self, Self.allOptions)
                #expect(created.members.isEmpty)
                try await pbx.cli.succeed(["queue", "member", "add", "sales", "2001"])
                try await pbx.cli.succeed(["queue", "member", "add", "sales", "2002", "--penalty", "2"])
                let added = try await pbx.cli.json(
                    QueueInfo.self, ["queue", "member", "add", "sales", "2003", "--position", "1"])
                #expect(added.members.map(\.agent) == ["2003", "2001", "2002"])

                let expected = QueueInfo(
                    name: "sales", strategy: .roundRobin, ringTimeout: 15, retryDelay: 3, maxWait: 300,
                    overflow: "vm:1001", maxLength: 12, joinWhenEmpty: .noAgentsLoggedIn,
                    leaveWhenEmpty: .noAgentsUnpaused, serviceLevel: 30, shortAbandon: 4, wrapUp: 10,
                    announceEvery: 60, exitDigit: "#", pauseOnNoAnswer: true,
                    members: [
                        QueueMemberInfo(agent: "2003", name: "Szabó Cili", penalty: 0, position: 1),
                        QueueMemberInfo(agent: "2001", name: "Kovács Anna", penalty: 0, position: 2),
                        QueueMemberInfo(agent: "2002", name: "Nagy Béla", penalty: 2, position: 3),
                    ])
                let shown = try await pbx.cli.json(QueueInfo.self, ["queue", "show", "sales"])
                #expect(shown == expected)

                // Only the given settings change; 0 unsets the maximum wait.
                let changed = try await pbx.cli.json(
                    QueueInfo.self,
                    ["queue", "set", "sales", "--ring-timeout", "25", "--max-wait", "0", "--no-pause-on-no-answer"])
                var partial = expected
                partial.ringTimeout = 25
                partial.maxWait = nil
                partial.pauseOnNoAnswer = false
                #expect(changed == partial)

                // A member again: the penalty changes, the place stays.
                let repenalised = try await pbx.cli.json(
                    QueueInfo.self, ["queue", "member", "add", "sales", "2003", "--penalty", "1"])
                #expect(repenalised.members.map(\.agent) == ["2003", "2001", "2002"])
                #expect(repenalised.members.map(\.penalty) == [1, 0, 2])
                partial.members[0].penalty = 1

                let agents = try await pbx.cli.json([AgentInfo].self, ["agent", "list"])
                #expect(agents.map(\.number) == ["2001", "2002", "2003"])
                #expect(agents.map(\.hasPin) == [true, false, false])
                #expect(agents.allSatisfy { $0.queues == ["sales"] })
                try await pbx.cli.succeed(["agent", "set", "2002", "--name", "Nagy Béla Jr.", "--pin", "123456"])
                partial.members[2].name = "Nagy Béla Jr."

                try await pbx.restart()
                let afterRestart = try await pbx.cli.json(QueueInfo.self, ["queue", "show", "sales"])
                #expect(afterRestart == partial)
                let listed = try await pbx.cli.json([QueueInfo].self, ["queue", "list"])
                #expect(listed == [partial])
                let table = try await pbx.cli.run(["queue", "show", "sales"], json: false)
                #expect(table.succeeded && table.stdout.contains("round-robin") && table.stdout.contains("Szabó Cili"))
            }
        }

        @Test("bad values get the call-center core's message and exit 1; bad usage exits 2; nothing bad is stored")
        func refusals() async throws {
            try await TestPBX.run { pbx in
                try await Self.addAgents(pbx)
                try await pbx.cli.succeed(["queue", "add", "sales"])
                try await pbx.cli.succeed(["queue", "member", "add", "sales", "2001"])
                let cases: [([String], Int32, [String])] = [
                    (
                        ["queue", "add", "support", "--ring-timeout", "0"], 1,
                        ["queue 'support': ring timeout must be 1 to 600 seconds, got 0", "[invalid_argument]"]
                    ),
                    (
                        ["queue", "add", "support", "--exit-digit", "x"], 1,
                        ["exit digit must be one of 0-9, * or #, got 'x'", "[invalid_argument]"]
                    ),
                    (
                        ["queue", "add", "bad name"], 1,
                        ["name must be 1 to 64 letters", "[invalid_argument]"]
                    ),
                    (
                        ["queue", "set", "sales", "--wrap-up", "4000"], 1,
                        ["queue 'sales': wrap-up must be 0 to 3600 seconds, got 4000", "[invalid_argument]"]
                    ),
                    (
                        ["queue", "set", "sales", "--overflow", "queue:sales"], 1,
                        ["cannot be the queue itself", "[invalid_argument]"]
                    ),
                    (
                        ["queue", "member", "add", "sales", "2002", "--penalty=-1"], 1,
                        ["penalty of agent '2002' must be 0 or more, got -1", "[invalid_argument]"]
                    ),
                    (["queue", "member", "add", "sales", "2999"], 1, ["agent 2999 does not exist", "[not_found]"]),
                    (
                        ["queue", "member", "add", "nowhere", "2001"], 1,
                        ["queue nowhere does not exist", "[not_found]"]
                    ),
                    (["queue", "member", "remove", "sales", "2002"], 1, ["not a member", "[not_found]"]),
                    (
                        ["queue", "set", "nowhere", "--wrap-up", "5"], 1,
                        ["queue nowhere does not exist", "[not_found]"]
                    ),
                    (["agent", "remove", "2001"], 1, ["member of queue(s) sales", "[conflict]"]),
                    (["agent", "add", "2001", "--name", "Again"], 1, ["agent 2001 already exists", "[conflict]"]),
                    (["agent", "add", "2004", "--name", "X", "--pin", "12"], 1, ["agent PIN must be 4 to 10 digits"]),
                    (["queue", "add", "sales"], 1, ["queue sales already exists", "[conflict]"]),
                    (["queue", "add"], 2, ["Missing expected argument"]),
                    (["queue", "add", "support", "--strategy", "fastest"], 2, ["ring-all"]),
                    (["queue", "add", "support", "--ring-timeout", "soon"], 2, ["--ring-timeout"]),
                    (["queue", "set", "sales"], 2, ["nothing to change"]),
                    (["queue", "member", "add", "sales"], 2, ["Missing expected argument"]),
                    (["queue", "member", "add", "sales", "2002", "--position", "0"], 2, ["--position must be 1"]),
                    (["agent", "add", "2005"], 2, ["--name"]),
                    (["agent", "add", "20x5", "--name", "X"], 2, ["2 to 15 digits"]),
                    (["agent", "set", "2001"], 2, ["nothing to change"]),
                    (["report", "queue", "--since", "2026-01-01"], 2, ["--until"]),
                    (["report", "queue", "--since", "2026-01-02", "--until", "2026-01-01"], 2, ["later than --since"]),
                    (
                        ["report", "queue", "--since", "2026-01-01", "--until", "2026-01-02", "--interval", "5m"], 2,
                        ["15m"]
                    ),
                ]
                for (arguments, code, messages) in cases {
                    let result = try await pbx.cli.run(arguments)
                    #expect(result.exitCode == code, "\(result.summary)")
                    for message in messages {
                        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
                    }
                }
                let queues = try await pbx.cli.json([QueueInfo].self, ["queue", "list"])
                #expect(queues.map(\.name) == ["sales"])
                #expect(queues.first?.wrapUp == 0 && queues.first?.overflow == nil)
                #expect(queues.first?.members.map(\.agent) == ["2001"])
                let agents = try await pbx.cli.json([AgentInfo].self, ["agent", "list"])
                #expect(agents.map(\.number) == ["2001", "2002", "2003"])
            }
        }

        @Test("an agent's Unix user: set, listed, shown, at most one agent per user, cleared with \"\", kept across a restart")
        func unixUser() async throws {
            try await TestPBX.run { pbx in
                try await pbx.cli.succeed(["agent", "add", "2001", "--name", "Kovács Anna", "--unix-user", "anna"])
                try await pbx.cli.succeed(["agent", "add", "2002", "--name", "Nagy Béla"])
                let shown = try await pbx.cli.json(AgentInfo.self, ["agent", "show", "2001"])
                #expect(shown.unixUser == "anna")
                let taken = try await pbx.cli.run(["agent", "set", "2002", "--unix-user", "anna"], json: false)
                #expect(taken.exitCode == 1 && taken.stderr.contains("Unix user anna is already agent 2001"), "\(taken.summary)")
                #expect(taken.stderr.contains("[conflict]"))
                let bad = try await pbx.cli.run(["agent", "set", "2002", "--unix-user", "anna kovacs"], json: false)
                #expect(bad.exitCode == 2 && bad.stderr.contains("is not a Unix user name"), "\(bad.summary)")
                let missing = try await pbx.cli.run(["agent", "show", "2999"], json: false)
                #expect(missing.exitCode == 1 && missing.stderr.contains("[not_found]"), "\(missing.summary)")
                let table = try await pbx.cli.run(["agent", "list"], json: false)
                #expect(table.stdout.contains("UNIX USER") && table.stdout.contains("anna"), "\(table.stdout)")

                try await pbx.restart()
                #expect(try await pbx.cli.json(AgentInfo.self, ["agent", "show", "2001"]).unixUser == "anna")
                try await pbx.cli.succeed(["agent", "set", "2001", "--unix-user", ""])
                try await pbx.cli.succeed(["agent", "set", "2002", "--unix-user", "anna"])
                let agents = try await pbx.cli.json([AgentInfo].self, ["agent", "list"])
                #expect(agents.map(\.unixUser) == [nil, "anna"])
            }
        }

        @Test("a queue another queue overflows to cannot be removed; removing a queue frees its agents")
        func removal() async throws {
            try await TestPBX.run { pbx in
                try await Self.addAgents(pbx)
                try await pbx.cli.succeed(["queue", "add", "sales"])
                try await pbx.cli.succeed(["queue", "add", "support", "--overflow", "queue:sales"])
                try await pbx.cli.succeed(["queue", "member", "add", "sales", "2001"])
                let inUse = try await pbx.cli.run(["queue", "remove", "sales"])
                #expect(inUse.exitCode == 1, "\(inUse.summary)")
                #expect(inUse.stderr.contains("overflow of queue support") && inUse.stderr.contains("[conflict]"))

                try await pbx.cli.succeed(["queue", "set", "support", "--overflow", ""])
                let removed = try await pbx.cli.json(QueueInfo.self, ["queue", "remove", "sales"])
                #expect(removed.members.map(\.agent) == ["2001"])
                let agents = try await pbx.cli.json([AgentInfo].self, ["agent", "list"])
                #expect(agents.first { $0.number == "2001" }?.queues == [])
                try await pbx.cli.succeed(["agent", "remove", "2001"])
                let left = try await pbx.cli.json([AgentInfo].self, ["agent", "list"])
                #expect(left.map(\.number) == ["2002", "2003"])
                let queues = try await pbx.cli.json([QueueInfo].self, ["queue", "list"])
                #expect(queues.map(\.name) == ["support"] && queues.first?.overflow == nil)
            }
        }

        @Test("a report counts the stored finished calls per bucket, with the queue's service level")
        func reportWithCalls() async throws {
            try await TestPBX.run { pbx in
                try await pbx.cli.succeed(["queue", "add", "sales", "--service-level", "20"])
                // Rows as the queue runtime writes them (GRDB's UTC date text); "old" is a
                // removed queue whose history stays reportable.
                let columns =
                    "queue, caller, priority, joined_at, outcome, exit_reason, left_queue_at, agent, ended_at, "
                    + "completed_at, wait_seconds, talk_seconds, wrap_up_seconds, last_event_at"
                let rows = [
                    "'sales', '201', 0, '2026-01-05 08:05:00.000', 'answered', NULL, '2026-01-05 08:05:15.000', "
                        + "'2001', '2026-01-05 08:10:00.000', '2026-01-05 08:10:30.000', 15, 285, 30, "
                        + "'2026-01-05 08:10:30.000'",
                    "'sales', '202', 0, '2026-01-05 08:20:00.000', 'abandoned', NULL, '2026-01-05 08:21:00.000', "
                        + "NULL, NULL, NULL, 60, 0, 0, '2026-01-05 08:21:00.000'",
                    "'sales', '203', 0, '2026-01-05 08:58:00.000', 'overflowed', 'max-wait', "
                        + "'2026-01-05 09:03:00.000', NULL, NULL, NULL, 300, 0, 0, '2026-01-05 09:03:00.000'",
                    "'sales', '204', 0, '2026-01-05 09:30:00.000', 'short-abandoned', NULL, "
                        + "'2026-01-05 09:30:02.000', NULL, NULL, NULL, 2, 0, 0, '2026-01-05 09:30:02.000'",
                    "'sales', '205', 0, '2026-01-05 07:00:00.000', 'answered', NULL, '2026-01-05 07:00:10.000', "
                        + "'2001', '2026-01-05 07:05:00.000', '2026-01-05 07:05:00.000', 10, 290, 0, "
                        + "'2026-01-05 07:05:00.000'",
                    "'old', '206', 0, '2026-01-05 08:30:00.000', 'rejected', 'queue-full', "
                        + "'2026-01-05 08:30:00.000', NULL, NULL, NULL, 0, 0, 0, '2026-01-05 08:30:00.000'",
                ]
                let sql = rows.map { "INSERT INTO queue_calls (\(columns)) VALUES (\($0));" }.joined(separator: "\n")
                try await SQLiteShell.execute(
                    sql, database: pbx.options.dataDirectory + "/vpbx.db", scratch: pbx.scratch)

                let range = ["--since", "2026-01-05T08:00:00Z", "--until", "2026-01-05T10:00:00Z"]
                let reports = try await pbx.cli.json(
                    [QueueReportInfo].self, ["report", "queue", "--queue", "sales"] + range)
                let buckets = try #require(reports.first?.buckets)
                #expect(buckets.count == 2)
                let eight = buckets[0]
                #expect(eight.offered == 3 && eight.answered == 1 && eight.abandoned == 1 && eight.overflowed == 0)
                #expect(eight.serviceLevelPercent == 50 && eight.averageSpeedOfAnswer == 15)
                #expect(eight.averageHandleTime == 315 && eight.longestWait == 60)
                let nine = buckets[1]
                #expect(nine.offered == 1 && nine.shortAbandoned == 1 && nine.overflowed == 1 && nine.answered == 0)
                #expect(nine.serviceLevelPercent == 0 && nine.averageSpeedOfAnswer == nil && nine.longestWait == 300)

                let all = try await pbx.cli.json([QueueReportInfo].self, ["report", "queue"] + range)
                #expect(all.map(\.queue) == ["old", "sales"])
                #expect(all.first?.buckets.map(\.rejected) == [1, 0])
                #expect(all.first?.buckets.map(\.offered) == [0, 0])

                let csv = try await pbx.cli.run(["report", "queue", "--queue", "sales", "--csv"] + range, json: false)
                let lines = csv.stdout.split(separator: "\n").map(String.init)
                #expect(lines.count == 3, "\(csv.summary)")
                #expect(
                    lines.dropFirst().first?.hasSuffix(",3,1,1,0,0,0,50.0,15.0,315.0,60.0") == true, "\(csv.stdout)")
            }
        }

        @Test("a report over a period without calls has every bucket, all zero; --csv has the header")
        func emptyReport() async throws {
            try await TestPBX.run { pbx in
                try await pbx.cli.succeed(["queue", "add", "sales", "--service-level", "25"])
                let range = ["--since", "2026-01-05T08:00:00Z", "--until", "2026-01-05T10:00:00Z", "--interval", "15m"]
                let reports = try await pbx.cli.json(
                    [QueueReportInfo].self, ["report", "queue", "--queue", "sales"] + range)
                #expect(reports.map(\.queue) == ["sales"])
                let report = try #require(reports.first)
                #expect(report.serviceLevelThreshold == 25 && report.interval == .quarterHour)
                #expect(report.buckets.count == 8)
                #expect(report.buckets.first?.start == RPCCoding.parseDate("2026-01-05T08:00:00Z"))
                #expect(report.buckets.last?.end == RPCCoding.parseDate("2026-01-05T10:00:00Z"))
                #expect(report.buckets.allSatisfy { $0.offered == 0 && $0.answered == 0 && $0.abandoned == 0 })
                #expect(report.buckets.allSatisfy { $0.serviceLevelPercent == nil && $0.averageSpeedOfAnswer == nil })

                let csv = try await pbx.cli.run(["report", "queue"] + range + ["--csv"], json: false)
                #expect(csv.succeeded, "\(csv.summary)")
                let lines = csv.stdout.split(separator: "\n").map(String.init)
                #expect(
                    lines.first
                        == "queue,start,end,offered,answered,abandoned,short_abandoned,overflowed,rejected,"
                        + "service_level_pct,asa_s,aht_s,longest_wait_s")
                #expect(lines.count == 9)
                #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("sales,") && $0.contains(",0,0,0,0,0,0,,,,0.0") })

                let unknown = try await pbx.cli.run(["report", "queue", "--queue", "nowhere"] + range)
                #expect(unknown.exitCode == 1 && unknown.stderr.contains("[not_found]"), "\(unknown.summary)")
            }
        }
    }
}
