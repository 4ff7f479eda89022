import VPBXControl
import VPBXPBX
import VPBXStore
import VPBXText

/// `numbering.*`: how the exchange's phones dial public numbers (the area's local numbers, an
/// outside-line prefix). A change rebuilds the dial plan, so the next call reads its number
/// with it.
extension ControlHandlers {
    func registerNumberingMethods(on router: ControlRouter) {
        router.register(NumberingGet.self) { _, _ in
            Self.numberingInfo(try await self.storeCall { try await self.dialPlan.numbering() })
        }
        router.register(NumberingSet.self) { params, _ in
            var record = try await self.storeCall { try await self.dialPlan.numbering() }
            if let areaCode = params.areaCode {
                record.areaCode = areaCode.isEmpty ? nil : Self.withoutTrunkPrefix(areaCode)
            }
            if let prefix = params.outsidePrefix { record.outsidePrefix = prefix.isEmpty ? nil : prefix }
            let changed = record
            try await self.storeCall { try await self.dialPlan.setNumbering(changed) }
            try await self.reloadDialPlan()
            let info = Self.numberingInfo(changed)
            await self.publish(
                "dialplan", "numbering.changed",
                [
                    "areaCode": info.areaCode.map { .string($0) } ?? .null,
                    "outsidePrefix": info.outsidePrefix.map { .string($0) } ?? .null,
                ])
            return info
        }
    }

    /// The numbering settings as the dial plan reads numbers with them.
    func localDialling() async throws -> LocalDialling {
        try await storeCall { try await self.dialPlan.numbering() }.localDialling
    }

    /// `06 1` and `0662` are typed by people who know the area by how they dial it.
    private static func withoutTrunkPrefix(_ areaCode: String) -> String {
        let compact = areaCode.filter { $0 != " " && $0 != "-" }
        return compact.hasPrefix("06") && compact.count > 2 ? String(compact.dropFirst(2)) : compact
    }

    static func numberingInfo(_ record: NumberingRecord) -> NumberingInfo {
        NumberingInfo(
            areaCode: record.areaCode, localDigits: record.areaCode.map(LocalDialling.subscriberDigits(in:)),
            outsidePrefix: record.outsidePrefix)
    }
}
