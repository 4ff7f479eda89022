import Foundation
import VPBXControl
import VPBXPBX
import VPBXStore

/// `featurecode.*`: the codes phones dial for features. The catalog (names, defaults, what
/// each does) is `Feature.all`; the store keeps only changed codes. Every change rebuilds
/// the dial plan, so the next call already dials the new code.
extension ControlHandlers {
    func registerFeatureCodeMethods(on router: ControlRouter) {
        router.register(FeatureCodeList.self) { _, _ in
            let codes = try await currentFeatureCodes()
            return Feature.all.map { Self.info($0, codes) }
        }
        router.register(FeatureCodeSet.self) { params, _ in
            let feature = try Self.feature(named: params.name)
            try await checkFreeFeatureCode(params.code, for: feature)
            if params.code == feature.defaultCode {
                // Setting the default is a reset: nothing stays stored for it.
                _ = try await storeCall { try await self.featureCodes.reset(feature.name) }
            } else {
                let record = FeatureCodeRecord(name: feature.name, code: params.code)
                try await storeCall { try await self.featureCodes.set(record) }
            }
            return try await featureCodeChanged(feature)
        }
        router.register(FeatureCodeReset.self) { params, _ in
            let feature = try Self.feature(named: params.name)
            let codes = try await currentFeatureCodes()
            if codes.code(of: feature) != feature.defaultCode {
                try await checkFreeFeatureCode(feature.defaultCode, for: feature)
            }
            _ = try await storeCall { try await self.featureCodes.reset(feature.name) }
            return try await featureCodeChanged(feature)
        }
    }

    /// The codes as the dial plan has them: stored overrides over the defaults.
    func currentFeatureCodes() async throws -> DialPlan.FeatureCodes {
        let records = try await storeCall { try await self.featureCodes.overrides() }
        return DialPlan.FeatureCodes(
            overrides: Dictionary(records.map { ($0.name, $0.code) }, uniquingKeysWith: { first, _ in first }))
    }

    private static func feature(named name: String) throws -> Feature {
        guard let feature = Feature.named(name) else {
            throw RPCError.notFound(
                "there is no feature \(name); features are \(Feature.all.map(\.name).joined(separator: ", "))")
        }
        return feature
    }

    /// Refuses a malformed code, and one that another feature, an extension or a route has
    /// (a code is looked at before extensions and routes, so it would hide them).
    private func checkFreeFeatureCode(_ code: String, for feature: Feature) async throws {
        do {
            try FeatureCodeRecord.validate(code: code, field: "code")
        } catch let error as StoreError {
            throw RPCError.invalidArgument(error.message, field: "code")
        }
        let codes = try await currentFeatureCodes()
        if let other = Feature.all.first(where: { $0 != feature && codes.code(of: $0) == code }) {
            throw RPCError.conflict(
                "\(code) is already the code of \(other.name); give \(feature.name) another code, "
                    + "or change \(other.name) first (vpbx featurecode set \(other.name) CODE)")
        }
        // A code followed by a number (*2221001) swallows every longer code it starts.
        if let other = Feature.all.first(where: { other in
            let otherCode = codes.code(of: other)
            return other != feature
                && ((feature.takesNumber && otherCode.hasPrefix(code)) || (other.takesNumber && code.hasPrefix(otherCode)))
        }) {
            throw RPCError.conflict(
                "\(code) and \(other.name)'s code \(codes.code(of: other)) start alike, and "
                    + "\(feature.takesNumber ? feature.name : other.name) is followed by a number, so one would hide "
                    + "the other; choose a code that neither starts nor is started by \(codes.code(of: other))")
        }
        if try await storeCall({ try await self.extensions.get(code) }) != nil {
            throw RPCError.conflict("\(code) is an extension number; a feature code needs a code of its own")
        }
        if try await storeCall({ try await self.dialPlan.routes() }).contains(where: { $0.number == code }) {
            throw RPCError.conflict(
                "\(code) is a route's number (vpbx route list); a feature code needs a code of its own")
        }
    }

    private func featureCodeChanged(_ feature: Feature) async throws -> FeatureCodeInfo {
        try await reloadDialPlan()
        let info = Self.info(feature, try await currentFeatureCodes())
        await publish(
            "dialplan", "featurecode.changed",
            ["name": .string(info.name), "code": .string(info.code), "custom": .bool(info.custom)])
        return info
    }

    static func info(_ feature: Feature, _ codes: DialPlan.FeatureCodes) -> FeatureCodeInfo {
        let code = codes.code(of: feature)
        return FeatureCodeInfo(
            name: feature.name, code: code, defaultCode: feature.defaultCode, custom: code != feature.defaultCode,
            summary: feature.summary)
    }
}
