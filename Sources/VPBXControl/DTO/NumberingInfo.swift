/// How the exchange's phones may dial public numbers, as `numbering.*` report it.
public struct NumberingInfo: Codable, Sendable, Hashable {
    /// The exchange's area (`1`, `62`); nil: numbers need 06 and their area code.
    public var areaCode: String?
    /// Digits of a local number in that area (7 in Budapest, 6 elsewhere); nil without an area.
    public var localDigits: Int?
    /// Digits dialled before an outside number; nil: none.
    public var outsidePrefix: String?

    public init(areaCode: String?, localDigits: Int?, outsidePrefix: String?) {
        self.areaCode = areaCode
        self.localDigits = localDigits
        self.outsidePrefix = outsidePrefix
    }
}
