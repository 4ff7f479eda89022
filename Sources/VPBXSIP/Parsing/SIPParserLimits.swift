/// Bounds on what the parser accepts, so a hostile or broken peer cannot make the engine allocate
/// without limit. The defaults are generous for real phones (a REGISTER or INVITE is rarely above
/// 4 KiB) and match a UDP datagram's practical maximum.
public struct SIPParserLimits: Sendable, Equatable {
    public var maxMessageBytes: Int
    public var maxHeaderCount: Int
    public var maxHeaderLineBytes: Int

    public init(maxMessageBytes: Int = 65_535, maxHeaderCount: Int = 128, maxHeaderLineBytes: Int = 8_192) {
        self.maxMessageBytes = maxMessageBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxHeaderLineBytes = maxHeaderLineBytes
    }

    public static let `default` = SIPParserLimits()
}
