import GRDB
import VPBXText

/// How the exchange's phones may dial public numbers (``LocalDialling``): the area it is in,
/// whose subscriber numbers are dialled without 06 and the area code, and an outside-line
/// prefix. One row for the whole exchange; without it, neither (complete numbers only).
public struct NumberingRecord: Codable, Sendable, Equatable {
    /// `1` (Budapest) or a two-digit geographic area code; nil: no local numbers.
    public var areaCode: String?
    /// 1 to 3 digits dialled before an outside number; nil: none.
    public var outsidePrefix: String?

    /// Always 1: the table holds one row.
    var id = 1

    public init(areaCode: String? = nil, outsidePrefix: String? = nil) {
        self.areaCode = areaCode
        self.outsidePrefix = outsidePrefix
    }

    /// The settings as the numbering plan reads them.
    public var localDialling: LocalDialling { LocalDialling(areaCode: areaCode, outsidePrefix: outsidePrefix) }

    public func validate() throws {
        if let areaCode, let problem = LocalDialling.problem(areaCode: areaCode) {
            throw StoreError.invalid(problem)
        }
        if let outsidePrefix, let problem = LocalDialling.problem(outsidePrefix: outsidePrefix) {
            throw StoreError.invalid(problem)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id
        case areaCode = "area_code"
        case outsidePrefix = "outside_prefix"
    }
}

extension NumberingRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "numbering"
}
