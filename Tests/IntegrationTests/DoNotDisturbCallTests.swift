import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Do not disturb against the real engine and sipp phones: the owner's `*78` switches it
    /// on (said back, the record and `ext show` say so), a call to the desk then rings nothing
    /// and gets 480; `*79` switches it off and the desk's phone answers again.
    @Suite("Do not disturb")
    struct DoNotDisturbCallTests {
        @Test("*78 from the desk: on, its caller gets 480 and its phone never rings; *79: off, the phone answers")
        func featureCodesAndCalls() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let desk = try SippPeer(.answer)
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: desk, number: Fixture.callee))
                let deskProcess = try pbx.start(desk, name: "desk")
                try await Task.sleep(for: .milliseconds(300))
                try await deskProcess.requireListening()

                // The desk's owner dials the codes from a phone of its own extension.
                func dial(_ code: String) async throws -> [String]? {
                    let phone = try pbx.phone(.callAwaitBye).service(code).caller(Fixture.callee)
                        .credentials(user: Fixture.callee, password: Fixture.password(Fixture.callee))
                    try await pbx.run(phone, name: "dial-\(code)").requireSuccess()
                    return try await eventually("the record of the call to \(code)") {
                        try await pbx.cdrs().first { $0.callee == code && $0.disposition == .answered }
                    }.path
                }
                func call(_ scenario: Scenario, name: String) async throws {
                    let caller = try pbx.phone(scenario).service(Fixture.callee).caller(Fixture.caller)
                        .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                    try await pbx.run(caller, name: name).requireSuccess()
                }

                #expect(try await dial("*78") == ["feature:*78", "dnd=on"])
                let on = try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.callee])
                #expect(on.doNotDisturb == true)
                try await call(.callExpectUnavailable, name: "caller-dnd")
                #expect(
                    !deskProcess.receivedSoFar().contains { $0.hasPrefix("INVITE ") },
                    "the desk's phone rang in do not disturb")

                #expect(try await dial("*79") == ["feature:*79", "dnd=off"])
                #expect(try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.callee]).doNotDisturb == false)
                try await call(.callHangup, name: "caller-answered")
                #expect(deskProcess.receivedSoFar().contains { $0.hasPrefix("INVITE ") })
                try await deskProcess.finish().requireSuccess()
            }
        }

        @Test("vpbx ext set --dnd on and off; ext show and ext list say so; a bad value is refused")
        func fromTheCLI() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.callee, password: Fixture.password(Fixture.callee))
                try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--dnd", "on"])
                #expect(try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.callee]).doNotDisturb == true)
                let shown = try await pbx.cli.run(["ext", "show", Fixture.callee], json: false)
                #expect(shown.stdout.contains("do not disturb") && shown.stdout.contains("ON"), "\(shown.summary)")
                let listed = try await pbx.cli.run(["ext", "list"], json: false)
                #expect(listed.stdout.contains("yes, dnd"), "\(listed.summary)")
                try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--dnd", "off"])
                #expect(try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.callee]).doNotDisturb == false)
                let refused = try await pbx.cli.run(["ext", "set", Fixture.callee, "--dnd", "maybe"])
                #expect(refused.exitCode == 2, "\(refused.summary)")
            }
        }
    }
}
