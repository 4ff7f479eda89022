import Foundation
import Testing
import VPBXControl

extension Integration {
    /// A busy lamp field against the real engine: extension 1003's phone (sipp) watches
    /// 1002's calls while 1001 calls 1002 (two more sipps), and must be told, in order, that
    /// 1002 is idle, rung by 1001 (then with its ringing dialog's tags), talking, and idle again.
    @Suite("Busy lamps")
    struct BusyLampCallTests {
        static let watcher = "1003"

        @Test("a phone watching 1002 (SUBSCRIBE dialog) sees it idle, rung by 1001, talking, idle; then unsubscribes")
        func watchingACall() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answer).echoingRTP()
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: callee, number: Fixture.callee))
                try await pbx.addExtension(Self.watcher, password: Fixture.password(Self.watcher))
                let lamp = try pbx.phone(.subscribeDialog).service(Fixture.callee).key("watcher", Self.watcher)
                    .credentials(user: Self.watcher, password: Fixture.password(Self.watcher))
                let lampProcess = try pbx.start(lamp, name: "lamp")
                try await eventually("the lamp told 1002 is idle") {
                    lampProcess.receivedSoFar().contains { $0.hasPrefix("NOTIFY") } ? true : nil
                }
                let caller = try pbx.phone(.callHangup).service(Fixture.callee).caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()
                let lampResult = await lampProcess.finish()
                try lampResult.requireSuccess()
                let notifies = lampResult.receivedMessages().filter { $0.hasPrefix("NOTIFY") }
                #expect(
                    notifies.count == 6, "idle, ringing, ringing with the dialog's tags, talking, idle, terminated: \(notifies.count)")
            }
        }
    }
}
