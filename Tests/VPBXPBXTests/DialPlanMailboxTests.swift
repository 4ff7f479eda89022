import Foundation
import Testing
@testable import VPBXPBX

/// An extension's change reaches the dial plan as its box alone (`setMailbox`), leaving the
/// rest of the plan as the last full reload set it.
@Suite struct DialPlanMailboxTests {
    @Test func oneBoxIsAddedAndRemovedAndTheRestOfThePlanStays() async throws {
        let harness = PBXHarness()
        var plan = DialPlan()
        plan.mailboxes = ["201", "202"]
        plan.featureCodes = DialPlan.FeatureCodes(overrides: ["voicemail-own": "*55"])
        await harness.core.setDialPlan(plan)

        await harness.core.setMailbox("203", enabled: true)
        await harness.core.setMailbox("201", enabled: false)
        await harness.core.setMailbox("299", enabled: false)
        let (changed, _) = await harness.core.routingState()
        #expect(changed.mailboxes == ["202", "203"])
        #expect(changed.featureCodes.ownMailbox == "*55")
    }
}
