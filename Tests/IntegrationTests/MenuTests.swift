import Foundation
import Testing
import VPBXControl

extension Integration {
    /// IVR menu configuration through the real CLI.
    @Suite("IVR menus")
    struct MenuTests {
        @Test("a menu is created, changed key by key, routed to, and protected while in use")
        func configure() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension("1001", password: Fixture.password("1001"))
                try await pbx.addExtension("1002", password: Fixture.password("1002"))
                try await pbx.cli.succeed(["ivr", "add", "english", "--greeting", "welcome"])
                let created = try await pbx.cli.json(
                    MenuInfo.self,
                    [
                        "ivr", "add", "main", "--greeting", "welcome", "--option", "1=ext:1001", "--option",
                        "9=ivr:english",
                        "--option", "*=ivr:main", "--key-timeout", "7", "--direct-dial", "--on-timeout", "ext:1002",
                    ])
                #expect(created.options == ["1": "ext:1001", "9": "ivr:english", "*": "ivr:main"])
                #expect(created.timeout == 7 && created.attempts == 3 && created.directDial)
                #expect(created.onTimeout == "ext:1002" && created.onInvalid == "hangup")

                let changed = try await pbx.cli.json(
                    MenuInfo.self,
                    ["ivr", "set", "main", "--option", "2=ext:1002", "--remove-option", "9", "--no-direct-dial"])
                #expect(changed.options == ["1": "ext:1001", "2": "ext:1002", "*": "ivr:main"])
                #expect(!changed.directDial)

                try await pbx.cli.succeed(["route", "add", "200", "--to", "ivr:main"])
                let inUse = try await pbx.cli.run(["ivr", "remove", "main"])
                #expect(inUse.exitCode == 1)
                #expect(inUse.stderr.contains("route 200"))
                // The menu naming itself (* = hear it again) does not block its own removal.
                try await pbx.cli.succeed(["route", "remove", "200"])
                try await pbx.cli.succeed(["ivr", "remove", "main"])
                #expect(try await pbx.cli.json([MenuInfo].self, ["ivr", "list"]).map(\.name) == ["english"])
            }
        }

        @Test("bad menus are refused with the reason and nothing is stored")
        func refusals() async throws {
            try await TestPBX.run { pbx in
                let cases: [([String], Int32, String)] = [
                    (["ivr", "add", "main", "--greeting", "welcome", "--option", "12=hangup"], 2, "KEY=DEST"),
                    (["ivr", "add", "main", "--greeting", "welcome", "--option", "1=ext:1999"], 1, "1999"),
                    (["ivr", "add", "main", "--greeting", "welcome", "--option", "1=ivr:nowhere"], 1, "nowhere"),
                    (["ivr", "add", "main", "--greeting", "../../etc/passwd"], 1, "prompt name"),
                    (["ivr", "add", "main", "--greeting", "welcome", "--key-timeout", "0"], 2, "--key-timeout"),
                ]
                for (arguments, code, message) in cases {
                    let result = try await pbx.cli.run(arguments)
                    #expect(result.exitCode == code, "\(arguments): \(result.summary)")
                    #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
                }
                #expect(try await pbx.cli.json([MenuInfo].self, ["ivr", "list"]).isEmpty)
            }
        }
    }
}
