import Foundation

/// The protocol's date-times (`2025-01-31T12:00:00.123Z`, UTC, milliseconds) written into
/// bytes, byte for byte what ``RPCCoding/formatDate(_:)`` gives (ProtocolDateTextTests
/// compare the two over many dates). Foundation's format style, made once, still cost about
/// 1.5 µs a date, and a call's events carry six.
enum ProtocolDateText {
    static func write(_ date: Date, to bytes: inout [UInt8]) {
        let interval = date.timeIntervalSince1970
        // Dates before 1900 are Foundation's (its calendar is Julian before 1582, gmtime's is
        // not), as are years past four digits and anything gmtime cannot place.
        guard interval >= -2_208_988_800, interval < 253_402_300_800 else {  // false for NaN too
            bytes.append(contentsOf: RPCCoding.formatDate(date).utf8)
            return
        }
        let wholeSeconds = interval.rounded(.down)
        var time = time_t(wholeSeconds)
        var fields = tm()
        guard gmtime_r(&time, &fields) != nil else {
            bytes.append(contentsOf: RPCCoding.formatDate(date).utf8)
            return
        }
        let milliseconds = min(999, Int(((interval - wholeSeconds) * 1000).rounded(.down)))
        append(Int(fields.tm_year) + 1900, digits: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        append(Int(fields.tm_mon) + 1, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        append(Int(fields.tm_mday), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        append(Int(fields.tm_hour), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        append(Int(fields.tm_min), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        append(Int(fields.tm_sec), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        append(milliseconds, digits: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    private static func append(_ value: Int, digits: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
