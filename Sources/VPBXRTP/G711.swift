/// ITU-T G.711 companding between 16-bit linear PCM and 8-bit μ-law (PCMU) or A-law (PCMA).
///
/// Decoding reads a 256-entry table built once from the bit algorithm. Encoding uses the
/// exact bit algorithm (a few shifts, no table of 64 K entries). Both take 16-bit samples,
/// of which μ-law uses the top 14 bits and A-law the top 13, as G.711 specifies.
public enum G711 {
    /// The two companding laws, with their RTP identity (RFC 3551).
    public enum Law: Sendable, Equatable, CaseIterable {
        /// μ-law, North America and Japan: `PCMU`, payload type 0.
        case ulaw
        /// A-law, Europe and most of the world: `PCMA`, payload type 8.
        case alaw

        /// Matches an SDP encoding name (`PCMU`, `PCMA`), ignoring case.
        public init?(encodingName: String) {
            switch encodingName.lowercased() {
            case "pcmu": self = .ulaw
            case "pcma": self = .alaw
            default: return nil
            }
        }

        public var encodingName: String { self == .ulaw ? "PCMU" : "PCMA" }
        /// The static RTP payload type.
        public var payloadType: UInt8 { self == .ulaw ? 0 : 8 }
        /// The code for a zero sample, to fill silence.
        public var silence: UInt8 { self == .ulaw ? 0xFF : 0xD5 }

        @inline(__always)
        public func decode(_ code: UInt8) -> Int16 {
            self == .ulaw ? G711.ulawToLinear(code) : G711.alawToLinear(code)
        }

        @inline(__always)
        public func encode(_ sample: Int16) -> UInt8 {
            self == .ulaw ? G711.linearToUlaw(sample) : G711.linearToAlaw(sample)
        }
    }

    private static let ulawTable: [Int16] = (0...255).map { ulawDecodeBits(UInt8($0)) }
    private static let alawTable: [Int16] = (0...255).map { alawDecodeBits(UInt8($0)) }

    /// Decodes one μ-law byte (0xFF and 0x7F are the two zeros).
    @inline(__always)
    public static func ulawToLinear(_ code: UInt8) -> Int16 { ulawTable[Int(code)] }

    /// Decodes one A-law byte (0xD5 is +8, the smallest positive level).
    @inline(__always)
    public static func alawToLinear(_ code: UInt8) -> Int16 { alawTable[Int(code)] }

    /// μ-law bias: shifts every magnitude so segment boundaries fall on powers of two.
    private static let ulawBias = 0x84
    /// Largest magnitude μ-law can represent once biased into 15 bits.
    private static let ulawClip = 32635

    /// Encodes one sample to μ-law (bits inverted on the wire, as G.711 requires).
    public static func linearToUlaw(_ sample: Int16) -> UInt8 {
        let value = Int(sample)
        let sign: UInt8 = value < 0 ? 0x80 : 0
        let magnitude = UInt16(min(abs(value), ulawClip) + ulawBias)  // 0x84...0x7FFF
        let exponent = UInt8(15 - magnitude.leadingZeroBitCount - 7)  // segment 0...7
        let mantissa = UInt8(truncatingIfNeeded: magnitude >> (UInt16(exponent) + 3)) & 0x0F
        return ~(sign | exponent << 4 | mantissa)
    }

    /// Encodes one sample to A-law (even bits inverted on the wire, as G.711 requires).
    public static func linearToAlaw(_ sample: Int16) -> UInt8 {
        // A-law works on 13 bits; negative values map to their one's complement magnitude,
        // which keeps the code table symmetric around zero.
        var value = Int(sample) >> 3
        let mask: UInt8
        if value >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            value = -value - 1
        }
        let magnitude = UInt16(value)  // 0...4095
        let segment = magnitude <= 0x1F ? 0 : UInt16(15 - magnitude.leadingZeroBitCount - 4)
        let shift = segment < 2 ? 1 : segment
        let code = UInt8(segment << 4) | UInt8((magnitude >> shift) & 0x0F)
        return code ^ mask
    }

    private static func ulawDecodeBits(_ code: UInt8) -> Int16 {
        let bits = ~code
        let exponent = Int((bits >> 4) & 0x07)
        let mantissa = Int(bits & 0x0F)
        let magnitude = ((mantissa << 3) + ulawBias) << exponent
        return Int16(bits & 0x80 != 0 ? ulawBias - magnitude : magnitude - ulawBias)
    }

    private static func alawDecodeBits(_ code: UInt8) -> Int16 {
        let bits = code ^ 0x55
        let segment = Int((bits >> 4) & 0x07)
        var magnitude = Int(bits & 0x0F) << 4
        switch segment {
        case 0: magnitude += 8
        case 1: magnitude += 0x108
        default: magnitude = (magnitude + 0x108) << (segment - 1)
        }
        return Int16(bits & 0x80 != 0 ? magnitude : -magnitude)
    }
}
