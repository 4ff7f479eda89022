import VPBXSIP

/// The device a registered Contact belongs to, by RFC 5626's `+sip.instance` (a URN the device
/// keeps for life, across addresses and networks) and the `reg-id` of its flow.
///
/// RFC 5626 §6 binds an address of record to the instance and reg-id rather than to the
/// Contact URI: a phone that comes back from a new address (Wi-Fi to mobile data, a new DHCP
/// lease, a NAT that picked another port) under a new Contact replaces its binding instead of
/// leaving the old one to be rung, unanswered, until it expires.
struct DeviceInstance: Hashable, Sendable {
    /// The URN without its quotes and angle brackets, lower-cased: UUID URNs, nearly all
    /// that phones send, compare case-insensitively (RFC 4122 §3).
    let urn: String
    /// The flow of the instance (RFC 5626 §4.2); two flows of one device are two bindings.
    let registrationID: Int?

    /// The instance of a REGISTER's Contact; nil when it names none, or names it in a form
    /// that is not a URN (ignored, as RFC 5626 §6 has a registrar ignore a malformed one).
    init?(contact: NameAddress) {
        guard let written = contact.parameters.value(named: "+sip.instance"), let written else { return nil }
        self.init(instanceText: written, registrationID: contact.parameters.value(named: "reg-id").flatMap { $0 })
    }

    /// The instance as the store keeps it (``text``) with its reg-id.
    init?(stored: String?, registrationID: Int?) {
        guard let stored else { return nil }
        self.init(instanceText: stored, registrationID: registrationID.map(String.init))
    }

    private init?(instanceText: String, registrationID: String?) {
        var value = Substring(instanceText)
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
        if value.hasPrefix("<"), value.hasSuffix(">"), value.count >= 2 { value = value.dropFirst().dropLast() }
        let urn = value.lowercased()
        guard urn.hasPrefix("urn:"), urn.count > 4, !urn.contains(where: { $0 == "\"" || $0 == "<" || $0 == ">" || $0 == " " })
        else { return nil }
        self.urn = urn
        // RFC 5626 §4.2: 1 to 2^31-1; anything else is not a flow number and is ignored.
        self.registrationID = registrationID.flatMap { Int($0) }.flatMap { (1...Int(Int32.max)).contains($0) ? $0 : nil }
    }

    /// `<urn:...>`, the form the store keeps.
    var text: String { "<\(urn)>" }

    /// `;+sip.instance="<urn:...>";reg-id=N`, appended to the binding's Contact in the 200 so
    /// the phone recognises its own (RFC 5626 §6).
    var contactParameters: String {
        let instance = ";+sip.instance=\"\(text)\""
        return registrationID.map { "\(instance);reg-id=\($0)" } ?? instance
    }
}
