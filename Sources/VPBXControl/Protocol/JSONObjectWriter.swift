import Foundation

/// Writes one JSON object member by member straight into bytes, in the form ``JSONValue``'s
/// writer gives the same object (compact, keys sorted by their UTF-8 bytes), for values
/// written often enough that building a `JSONValue` tree first shows: the engine's call
/// events, four a call for every subscribed console or wallboard. The tree's dictionary, its
/// hashing and the sorting of its keys were about half of an event's cost (stop 38).
///
/// Members must be written in ascending key order; debug builds check it.
public struct JSONObjectWriter {
    private var bytes: [UInt8]
    private var isEmpty = true
    #if DEBUG
    private var lastKey: [UInt8]?
    #endif

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    public mutating func string(_ key: StaticString, _ value: String) {
        member(key)
        JSONValue.writeString(value, to: &bytes)
    }

    /// Omitted when nil, as an absent optional field.
    public mutating func string(_ key: StaticString, ifPresent value: String?) {
        if let value { string(key, value) }
    }

    public mutating func int(_ key: StaticString, _ value: Int) {
        member(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func bool(_ key: StaticString, _ value: Bool) {
        member(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// As ``RPCCoding/formatDate(_:)`` writes it.
    public mutating func date(_ key: StaticString, _ value: Date) {
        member(key)
        bytes.append(UInt8(ascii: "\""))
        ProtocolDateText.write(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Omitted when nil.
    public mutating func date(_ key: StaticString, ifPresent value: Date?) {
        if let value { date(key, value) }
    }

    public mutating func strings(_ key: StaticString, _ values: [String]) {
        member(key)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONValue.writeString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The object's bytes; the writer is done with.
    public consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private mutating func member(_ key: StaticString) {
        #if DEBUG
        let keyBytes = Array(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        if let lastKey {
            assert(lastKey.lexicographicallyPrecedes(keyBytes), "JSONObjectWriter: \(key) written out of order")
        }
        lastKey = keyBytes
        #endif
        if !isEmpty { bytes.append(UInt8(ascii: ",")) }
        isEmpty = false
        bytes.append(UInt8(ascii: "\""))
        // Keys are the program's own names: nothing in them needs escaping.
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }
}
