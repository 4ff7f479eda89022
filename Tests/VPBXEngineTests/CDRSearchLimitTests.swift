import Testing
import VPBXControl
import VPBXStore

/// The protocol's statement of how many records one `cdr.search` answer carries (which the
/// CLI pages under) is the limit the store enforces.
@Suite struct CDRSearchLimitTests {
    @Test func theProtocolsLimitIsTheStores() {
        #expect(CDRSearch.maximumLimit == CDRQuery.limitRange.upperBound)
        #expect(CDRQuery.limitRange.lowerBound == 1)
    }
}
