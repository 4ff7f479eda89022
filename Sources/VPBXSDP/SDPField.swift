/// A line the model does not interpret (`i=`, `u=`, `e=`, `p=`, `b=`, `z=`, `k=`, `r=`, or an
/// unknown type), kept verbatim so a relayed body loses nothing (RFC 8866 §5: unknown types
/// are ignored, not rejected).
public struct SDPField: Sendable, Equatable {
    /// The one-letter type before `=`.
    public var type: Character
    /// Everything after `=`.
    public var value: String

    public init(type: Character, value: String) {
        self.type = type
        self.value = value
    }
}
