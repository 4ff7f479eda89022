import Testing

@testable import VPBXControl

@Suite struct RouterTests {
    let peer = PeerCredentials(uid: 1000, gid: 1000, pid: 42)

    func makeRouter() -> ControlRouter {
        let router = ControlRouter()
        router.register(ExtensionGet.self) { params, _ in
            guard params.number == "101" else { throw RPCError.notFound("no extension \(params.number)") }
            return ExtensionInfo(number: "101", name: "Anna", kind: .desk)
        }
        router.register(CallList.self) { _, _ in throw CancellationError() }
        return router
    }

    @Test func dispatchesTypedHandlers() async throws {
        let response = await makeRouter().handle(
            RPCRequest(id: 1, method: ExtensionGet.name, params: ["number": "101"]), peer: peer, role: .supervisor)
        #expect(response.id == 1)
        let info = try RPCCoding.decode(ExtensionInfo.self, from: try response.outcome.get())
        #expect(info.name == "Anna")
    }

    @Test func roleNotAllowedIsForbidden() async {
        let response = await makeRouter().handle(
            RPCRequest(id: 2, method: ExtensionGet.name, params: ["number": "101"]), peer: peer, role: .wallboard)
        guard case .failure(let error) = response.outcome else { Issue.record("expected an error"); return }
        #expect(error.reason == .forbidden)
        #expect(error.code == RPCError.Code.forbidden)
    }

    @Test func callerWithoutRoleIsForbiddenEverywhere() async {
        for method in [EngineHello.name, SystemListMethods.name, "no.such"] {
            let response = await makeRouter().handle(RPCRequest(id: 3, method: method), peer: peer, role: nil)
            guard case .failure(let error) = response.outcome else { Issue.record("expected an error"); return }
            #expect(error.reason == .forbidden, "\(method)")
        }
    }

    @Test func unknownMethodUnimplementedMethodBadParamsAndHandlerErrors() async {
        let router = makeRouter()
        func error(_ method: String, _ params: JSONValue? = nil) async -> RPCError? {
            let response = await router.handle(RPCRequest(id: 4, method: method, params: params), peer: peer, role: .admin)
            if case .failure(let error) = response.outcome { return error }
            return nil
        }
        #expect(await error("no.such")?.code == RPCError.Code.methodNotFound)
        #expect(await error(ExtensionCreate.name)?.reason == .unavailable)
        let bad = await error(ExtensionGet.name, ["numbr": "101"])
        #expect(bad?.code == RPCError.Code.invalidParams)
        #expect(bad?.message.contains("'number'") == true)
        #expect(await error(ExtensionGet.name, ["number": "999"])?.reason == .notFound)
        #expect(await error(CallList.name)?.reason == .internal)
    }

    @Test func listMethodsReflectsRoleAndHandlers() async throws {
        let response = await makeRouter().handle(RPCRequest(id: 5, method: SystemListMethods.name), peer: peer, role: .receptionist)
        let methods = try RPCCoding.decode(SystemListMethods.Result.self, from: try response.outcome.get())
        #expect(methods.map(\.name) == RPCCatalog.methods.map(\.name))
        let create = try #require(methods.first { $0.name == ExtensionCreate.name })
        #expect(!create.allowed && !create.implemented)
        let get = try #require(methods.first { $0.name == ExtensionGet.name })
        #expect(get.allowed && get.implemented)
    }
}

@Suite struct RoleResolverTests {
    struct Directory: UserDirectory {
        var groups: [String: UInt32] = ["vpbx-admin": 500, "vpbx-sup": 501, "vpbx-wall": 502]
        var members: [UInt32: Set<UInt32>] = [1001: [501, 502], 1002: [502], 1003: [999]]
        func groupID(named name: String) -> UInt32? { groups[name] }
        func groupIDs(ofUser uid: UInt32, primaryGroup: UInt32) -> Set<UInt32> {
            members[uid, default: []].union([primaryGroup])
        }
    }

    let resolver = RoleResolver(
        engineUID: 990, groupRoles: ["vpbx-admin": .admin, "vpbx-sup": .supervisor, "vpbx-wall": .wallboard, "gone": .agent],
        directory: Directory())

    @Test func rootAndEngineUserAreAdmins() {
        #expect(resolver.role(for: .init(uid: 0, gid: 0, pid: 1)) == .admin)
        #expect(resolver.role(for: .init(uid: 990, gid: 990, pid: 1)) == .admin)
    }

    @Test func groupsMapToTheMostPrivilegedRole() {
        #expect(resolver.role(for: .init(uid: 1001, gid: 1001, pid: 1)) == .supervisor)
        #expect(resolver.role(for: .init(uid: 1002, gid: 1002, pid: 1)) == .wallboard)
        #expect(resolver.role(for: .init(uid: 1004, gid: 500, pid: 1)) == .admin, "primary group counts")
    }

    @Test func strangersHaveNoRole() {
        #expect(resolver.role(for: .init(uid: 1003, gid: 1003, pid: 1)) == nil)
        #expect(RoleResolver(engineUID: 990, directory: Directory()).role(for: .init(uid: 1001, gid: 1, pid: 1)) == nil)
    }

    @Test func systemDirectoryKnowsRoot() {
        let directory = SystemUserDirectory()
        #expect(directory.groupID(named: "root") == 0)
        #expect(directory.groupIDs(ofUser: 0, primaryGroup: 0).contains(0))
        #expect(directory.groupID(named: "no-such-group-vpbx") == nil)
    }
}
