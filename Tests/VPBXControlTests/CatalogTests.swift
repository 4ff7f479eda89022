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

    @Test func rolesOrderByPrivilege() {
        #expect(Role.admin < Role.supervisor)
        #expect([Role.wallboard, .agent, .supervisor].min() == .supervisor)
    }
}
