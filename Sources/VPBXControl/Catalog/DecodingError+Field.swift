/// Turns Foundation's decoding errors into sentences that name the field, e.g.
/// "missing field 'name'" instead of a dump of coding keys.
extension DecodingError {
    /// Dotted path of the field at fault, e.g. `legs.0.state`; nil at the top level.
    var fieldPath: String? {
        let path: [any CodingKey]
        switch self {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        @unknown default: return nil
        }
        guard !path.isEmpty else { return nil }
        return path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    var fieldDescription: String {
        let field = fieldPath.map { "'\($0)'" }
        switch self {
        case .keyNotFound:
            return "missing field \(field ?? "?")"
        case .typeMismatch(let type, let context):
            return "field \(field ?? "(params)") has the wrong type: expected \(Self.describe(type))"
                + Self.detail(context)
        case .valueNotFound(let type, _):
            return "field \(field ?? "(params)") must not be null: expected \(Self.describe(type))"
        case .dataCorrupted(let context):
            return "field \(field ?? "(params)") is invalid" + Self.detail(context)
        @unknown default:
            return "\(self)"
        }
    }

    private static func detail(_ context: Context) -> String {
        context.debugDescription.isEmpty ? "" : " (\(context.debugDescription))"
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is UInt64.Type, is Int32.Type: return "an integer"
        case is Double.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return name
        }
    }
}
