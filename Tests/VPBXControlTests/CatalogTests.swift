import Testing

@testable import VPBXControl

@Suite struct CatalogTests {
    @Test func namesAreUniqueAndNounDotVerb() {
        let names = RPCCatalog.methods.map(\.name)
        #expect(Set(names).count == names.count)
        for name in names {
            let parts = name.split(separator: ".")
            #expect(parts.count == 2, "\(name) is not noun.verb")
            #expect(name.allSatisfy { $0.isLetter || $0 == "." }, "\(name)")
        }
    }

    @Test func everyMethodHasHelpAndRoles() {
        for method in RPCCatalog.methods {
            #expect(!method.summary.isEmpty, "\(method.name)")
            #expect(!method.allowedRoles.isEmpty, "\(method.name)")
            #expect(method.allowedRoles.contains(.admin), "admin may do everything: \(method.name)")
        }
    }

    @Test func configurationChangesAreAdminOnly() {
        for method in [
            ExtensionCreate.name, ExtensionUpdate.name, ExtensionDelete.name, VoicemailDelete.name,
            VoicemailMarkHeard.name, FeatureCodeSet.name, FeatureCodeReset.name,
        ] {
            #expect(RPCCatalog.method(named: method)?.allowedRoles == [.admin])
        }
    }

    @Test func supervisorsReadVoicemailAndAgentsDoNot() {
        for method in [VoicemailList.name, VoicemailGet.name, VoicemailExport.name] {
            #expect(RPCCatalog.method(named: method)?.allowedRoles == [.admin, .supervisor], "\(method)")
        }
    }

    @Test("queue and agent changes are admin-only; their reads are for staff; reports for supervisors")
    func queueMethodRoles() {
        for method in [
            QueueCreate.name, QueueUpdate.name, QueueDelete.name, QueueMemberAdd.name, QueueMemberRemove.name,
            AgentCreate.name, AgentUpdate.name, AgentDelete.name,
        ] {
            #expect(RPCCatalog.method(named: method)?.allowedRoles == [.admin], "\(method)")
        }
        for method in [QueueList.name, QueueGet.name, AgentList.name] {
            #expect(RPCCatalog.method(named: method)?.allowedRoles == .staff, "\(method)")
        }
        #expect(RPCCatalog.method(named: ReportQueue.name)?.allowedRoles == [.admin, .supervisor])
    }

    @Test("queue params decode the wire enums and refuse unknown values naming the choices")
    func queueParamsDecoding() throws {
        let params = try QueueCreate.decodeParams(
            .object([
                "name": .string("sales"), "strategy": .string("round-robin"),
                "joinWhenEmpty": .string("no-agents-logged-in"), "maxWait": .int(120),
            ]))
        #expect(params.strategy == .roundRobin && params.joinWhenEmpty == .noAgentsLoggedIn && params.maxWait == 120)
        let error = #expect(throws: RPCError.self) {
            try QueueCreate.decodeParams(.object(["name": .string("sales"), "strategy": .string("fastest")]))
        }
        #expect(error?.reason == .invalidArgument)
        #expect(error?.message.contains("ring-all") == true, "\(String(describing: error?.message))")
        let report = try ReportQueue.decodeParams(
            .object([
                "since": .string("2026-01-01T00:00:00Z"), "until": .string("2026-01-02T00:00:00Z"),
                "interval": .string("15m"),
            ]))
        #expect(report.interval == .quarterHour && report.queue == nil)
    }

    @Test func rolesOrderByPrivilege() {
        #expect(Role.admin < Role.supervisor)
        #expect([Role.wallboard, .agent, .supervisor].min() == .supervisor)
    }
}
