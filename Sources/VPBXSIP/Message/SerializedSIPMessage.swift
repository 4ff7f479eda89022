/// A message kept only to be sent again, as its bytes: one allocation instead of a header
/// array with a string per header and the parsed parts of its addresses.
///
/// For what the engine holds for 64·T1 (32 s over UDP) after a call ends, such as the ACK a
/// retransmitted 2xx gets again: kept as a ``SIPRequest`` that ACK cost about 900 bytes a
/// call in header arrays, Via and tag parameters and strings, as bytes about 350.
public struct SerializedSIPMessage: Sendable, Equatable {
    public let bytes: [UInt8]

    public init(_ message: SIPMessage) {
        bytes = message.serialized()
    }

    /// The message again, for a receiver that takes messages rather than bytes (the engine's
    /// own applications, test doubles). It parses: the bytes are our own serializing.
    public func parsed() throws(SIPParseError) -> SIPMessage {
        try SIPParser().parse(bytes)
    }
}
