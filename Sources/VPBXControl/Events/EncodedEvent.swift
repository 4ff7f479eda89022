import Foundation

/// An event to publish whose data is written as JSON already (``JSONObjectWriter``): the hub
/// puts the bytes into each notification line as they are, with no `JSONValue` tree between.
public struct EncodedEvent: Sendable {
    public let topic: String
    public let type: String
    /// One compact JSON value, as ``JSONValue``'s writer would give it.
    public let data: [UInt8]

    public init(topic: String, type: String, data: [UInt8]) {
        self.topic = topic
        self.type = type
        self.data = data
    }

    /// The data as a tree, for the few readers that want one (the hub's in-process event
    /// stream, tests).
    public func decodedData() throws -> JSONValue {
        try RPCCoding.makeDecoder().decode(JSONValue.self, from: Data(data))
    }
}
