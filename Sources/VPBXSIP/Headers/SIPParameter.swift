import VPBXText

/// One `;name[=value]` parameter of a URI or header. Names compare case-insensitively (RFC 3261
/// §7.3.1); order is preserved so a message is re-serialised the way it arrived.
public struct SIPParameter: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == SIPParameter {
    /// The value of the first parameter named `name`; `.some(nil)` for a flag such as `;lr`.
    public func value(named name: String) -> String?? {
        for parameter in self where parameter.name.caseInsensitiveEquals(name) {
            return .some(parameter.value)
        }
        return .none
    }

    public func contains(named name: String) -> Bool {
        contains { $0.name.caseInsensitiveEquals(name) }
    }

    /// Sets (or adds) `name`, keeping the position of an existing parameter.
    public mutating func set(_ name: String, _ value: String?) {
        if let index = firstIndex(where: { $0.name.caseInsensitiveEquals(name) }) {
            self[index].value = value
        } else {
            append(SIPParameter(name: name, value: value))
        }
    }

    public mutating func remove(named name: String) {
        removeAll { $0.name.caseInsensitiveEquals(name) }
    }

    /// `;a=b;c` form, the way they appear after a URI or header value.
    public var serialized: String {
        var text = ""
        write(to: &text)
        return text
    }

    /// Appends the `;a=b;c` form to `text`, without intermediate strings.
    public func write(to text: inout String) {
        for parameter in self {
            text.append(";")
            text.append(parameter.name)
            if let value = parameter.value {
                text.append("=")
                text.append(value)
            }
        }
    }
}
