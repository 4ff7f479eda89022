import Foundation
import Testing

@testable import VPBXControl

/// The event writer's dates must be exactly what ``RPCCoding/formatDate(_:)`` writes, which
/// clients parse (`vpbx-tui` shows call durations from them).
@Suite struct ProtocolDateTextTests {
    private func written(_ date: Date) -> String {
        var bytes: [UInt8] = []
        ProtocolDateText.write(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(arguments: [
        0, 0.0005, 0.001, 0.123, 0.9994, 0.9995, 0.999_999_9, 1, 59.999, 951_782_400,  // 2000-02-29
        1_733_000_000.5, 1_764_547_200.25, 4_102_444_799.999, 253_402_300_799.999,  // 9999-12-31T23:59:59.999
        -0.001, -1.5, -86_400.125, -2_208_988_800,  // 1900-01-01
        -62_135_596_800,  // 0001-01-01
        .infinity, -.infinity, 1e300,  // Foundation's to write, whatever it writes: no trap here
    ] as [Double])
    func fixedDatesMatchFoundation(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(written(date) == RPCCoding.formatDate(date), "\(seconds)")
    }

    @Test func theEngineClocksDatesMatchFoundation() {
        // Dates as the engine makes them (Date(), sub-microsecond fractions), around now and
        // over the decade a call record is kept.
        var generator = SplitMix(seed: 38)
        let now = Date().timeIntervalSince1970
        var mismatches: [Double] = []
        for _ in 0..<20_000 {
            let offset = Double(generator.next() % 20_000_000_000) / 64 - 150_000_000
            let seconds = now + offset + Double(generator.next() % 1_000_000) / 1_000_000
            let date = Date(timeIntervalSince1970: seconds)
            if written(date) != RPCCoding.formatDate(date) { mismatches.append(seconds) }
        }
        #expect(mismatches.isEmpty, "first: \(mismatches.prefix(5))")
    }
}
