/// A media endpoint refused its input; the description says what was wrong.
public struct MediaEndpointError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
