import Foundation

extension JSONValue {
    /// This value as compact JSON with sorted keys: byte for byte what ``RPCCoding``'s encoder
    /// writes for it (JSONValueWritingTests compare the two), at a fraction of the cost.
    /// Events are trees already, and each subscriber's copy went through JSONEncoder's generic
    /// machinery: 40 µs an event, a quarter of the engine's CPU with one wallboard watching
    /// 1,000 calls a second.
    ///
    /// - Throws: `EncodingError.invalidValue` for a NaN or infinite number, as JSONEncoder.
    public func writeJSON(to bytes: inout [UInt8]) throws {
        switch self {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): bytes.append(contentsOf: String(value).utf8)
        case .double(let value):
            // Rare here, and JSONEncoder has its own number format ("1e+20"): let it write them.
            bytes.append(contentsOf: try RPCCoding.makeEncoder().encode(value))
        case .string(let value): Self.writeString(value, to: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try element.writeJSON(to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            // JSONEncoder's sortedKeys order: by UTF-8 bytes.
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                try members[key]!.writeJSON(to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: quote, backslash and control characters escaped (short forms where JSON
    /// has them, else `\u00xx`), everything else as its UTF-8 bytes, `/` included.
    static func writeString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension RPCEventLine {
    /// The notification line of `event`, newline-terminated, as `encodeLine` would write it.
    static func line(_ event: RPCEvent) throws -> [UInt8] {
        try line(seq: event.seq, topic: event.topic, type: event.type) { try event.data.writeJSON(to: &$0) }
    }

    /// The notification line of an event whose data `writeData` writes.
    static func line(seq: UInt64, topic: String, type: String, writeData: (inout [UInt8]) throws -> Void) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        bytes.append(contentsOf: #"{"jsonrpc":"2.0","method":"event","params":{"data":"#.utf8)
        try writeData(&bytes)
        bytes.append(contentsOf: #","seq":"#.utf8)
        bytes.append(contentsOf: String(seq).utf8)
        bytes.append(contentsOf: #","topic":"#.utf8)
        JSONValue.writeString(topic, to: &bytes)
        bytes.append(contentsOf: #","type":"#.utf8)
        JSONValue.writeString(type, to: &bytes)
        bytes.append(contentsOf: "}}\n".utf8)
        return bytes
    }
}
