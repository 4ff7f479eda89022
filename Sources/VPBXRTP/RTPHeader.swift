/// The fixed RTP header (RFC 3550 §5.1) with its CSRC list and extension header.
///
/// Parsing and writing work on raw buffers and allocate nothing, so the relay can use them
/// per packet. The extension's data words are not stored (their size is unbounded): a
/// parsed header records where they are, and `write(into:)` zero-fills them. To forward a
/// packet with its extension intact, rewrite fields in place with `rewrite(in:...)`.
public struct RTPHeader: Sendable, Equatable {
    /// Up to 15 contributing sources, stored inline (no heap). A tuple rather than
    /// `InlineArray`, which needs macOS 26 and the manifest still supports macOS 14.
    private typealias CSRCStorage = (
        UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
        UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32
    )

    /// Header extension (RFC 3550 §5.3.1): a profile identifier and the length in 32-bit words.
    public struct Extension: Sendable, Equatable {
        public var profile: UInt16
        /// Number of 32-bit data words after the 4-byte extension header.
        public var lengthInWords: UInt16

        public init(profile: UInt16, lengthInWords: UInt16) {
            self.profile = profile
            self.lengthInWords = lengthInWords
        }
    }

    /// The only RTP version in use.
    public static let version: UInt8 = 2
    /// Size of the header without CSRCs or extension.
    public static let fixedSize = 12

    /// The P bit: the packet ends with padding whose last byte is its length.
    public var hasPadding: Bool
    public var marker: Bool
    /// 0...127; the setter does not check, `write` keeps only the low 7 bits.
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var `extension`: Extension?
    /// Number of valid entries in `csrcs` (0...15).
    public private(set) var csrcCount: Int
    private var csrcStorage: CSRCStorage

    /// For a parsed packet: where the payload starts and how long it is, padding excluded.
    /// For a header built in code: `payloadOffset` is the header size, `payloadLength` 0.
    public internal(set) var payloadLength: Int

    public init(
        marker: Bool = false,
        payloadType: UInt8,
        sequenceNumber: UInt16,
        timestamp: UInt32,
        ssrc: UInt32,
        hasPadding: Bool = false,
        extension: Extension? = nil
    ) {
        self.hasPadding = hasPadding
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.extension = `extension`
        csrcCount = 0
        csrcStorage = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        payloadLength = 0
    }

    /// The contributing source at `index` (0..<csrcCount).
    public func csrc(at index: Int) -> UInt32 {
        precondition(index >= 0 && index < csrcCount, "CSRC index \(index) out of range 0..<\(csrcCount)")
        return withUnsafeBytes(of: csrcStorage) { $0.load(fromByteOffset: index * 4, as: UInt32.self) }
    }

    /// Appends a contributing source; returns false when 15 are already present.
    @discardableResult
    public mutating func appendCSRC(_ source: UInt32) -> Bool {
        guard csrcCount < 15 else { return false }
        let offset = csrcCount * 4
        withUnsafeMutableBytes(of: &csrcStorage) { $0.storeBytes(of: source, toByteOffset: offset, as: UInt32.self) }
        csrcCount += 1
        return true
    }

    /// Bytes before the payload: fixed header, CSRCs and the whole extension.
    public var payloadOffset: Int {
        var size = Self.fixedSize + 4 * csrcCount
        if let `extension` { size += 4 + 4 * Int(`extension`.lengthInWords) }
        return size
    }

    public static func == (lhs: RTPHeader, rhs: RTPHeader) -> Bool {
        guard lhs.hasPadding == rhs.hasPadding, lhs.marker == rhs.marker, lhs.payloadType == rhs.payloadType,
            lhs.sequenceNumber == rhs.sequenceNumber, lhs.timestamp == rhs.timestamp, lhs.ssrc == rhs.ssrc,
            lhs.extension == rhs.extension, lhs.csrcCount == rhs.csrcCount, lhs.payloadLength == rhs.payloadLength
        else { return false }
        for index in 0..<lhs.csrcCount where lhs.csrc(at: index) != rhs.csrc(at: index) { return false }
        return true
    }
}
