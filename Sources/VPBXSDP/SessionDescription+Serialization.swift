extension SessionDescription {
    /// The body in RFC 8866 order (`v o s i u e p c b t r z k a m`, and `m i c b k a` in each
    /// media section), every line ending in CRLF.
    public func serialized() -> String {
        var out = ""
        func line(_ type: Character, _ value: String) {
            out.append(type)
            out.append("=")
            out.append(value)
            out.append("\r\n")
        }
        func fields(_ list: [SDPField], _ types: String) {
            for field in list where types.contains(field.type) { line(field.type, field.value) }
        }
        let sessionKnownOrder = "iuepbzk"

        line("v", String(version))
        line("o", origin.serialized)
        line("s", sessionName)
        fields(otherFields, "iuep")
        if let connection { line("c", connection.serialized) }
        fields(otherFields, "b")
        for entry in timing {
            line("t", "\(entry.start) \(entry.stop)")
            for value in entry.repeats { line("r", value) }
        }
        fields(otherFields, "zk")
        // Unknown types have no defined slot; just before the attributes keeps them session-level.
        for field in otherFields where !sessionKnownOrder.contains(field.type) { line(field.type, field.value) }
        for attribute in attributes { line("a", attribute.serialized) }

        for section in media {
            line("m", section.serializedMediaLine)
            fields(section.otherFields, "i")
            if let connection = section.connection { line("c", connection.serialized) }
            fields(section.otherFields, "bk")
            for field in section.otherFields where !"ibk".contains(field.type) { line(field.type, field.value) }
            for attribute in section.attributes { line("a", attribute.serialized) }
        }
        return out
    }
}
