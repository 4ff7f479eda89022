import VPBXSIP

/// URI validation for the control layer, which must not know the SIP model.
enum VPBXSIPURI {
    static func parse(_ text: String) throws -> String {
        let uri = try SIPURI(parsing: text)
        guard uri.scheme == "sip" || uri.scheme == "sips" else { throw SIPParseError.bad("not a sip: URI") }
        return uri.serialized
    }
}
