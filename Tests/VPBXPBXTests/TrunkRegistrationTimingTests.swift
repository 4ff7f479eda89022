import Testing

@testable import VPBXPBX

/// When a trunk's registration is refreshed: a minute before it lapses, or at three quarters
/// of a short one (a provider granting 60 s must not see the registration lapse).
@Suite struct TrunkRegistrationTimingTests {
    @Test(arguments: [(600, Duration.seconds(540)), (3600, .seconds(3540)), (240, .seconds(180)),
                      (120, .seconds(90)), (60, .seconds(45)), (3, .milliseconds(2250)), (0, .milliseconds(750))])
    func refreshedBeforeItLapses(granted: Int, refresh: Duration) {
        #expect(TrunkRegistration.refreshDelay(forExpiry: granted) == refresh)
    }
}
