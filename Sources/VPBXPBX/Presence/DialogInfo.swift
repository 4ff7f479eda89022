/// An extension's calls as an RFC 4235 `dialog-info` document tells them, always in full:
/// what a phone's busy lamp field shows (idle, ringing, on a call) and, for a ringing call,
/// who calls.
///
/// A ringing call's dialog comes with its call-id and tags (the dialog between the engine and
/// the ringing phone: `local-tag` the phone's, `remote-tag` the engine's), which phones use
/// for an INVITE with Replaces to pick it up (PBXCore+ReplacesPickup.swift); others dial the
/// pickup code (`*8` and the extension). An answered call's are not given: they would let
/// any watcher that can register take it over.
struct DialogInfo: Sendable, Equatable {
    static let contentType = "application/dialog-info+xml"

    struct Entry: Sendable, Equatable {
        enum Direction: String, Sendable { case initiator, recipient }
        enum State: String, Sendable { case trying, early, confirmed }

        /// Stable for the call and the extension's part in it.
        let id: String
        let direction: Direction
        let state: State
        /// The other party's number and, when known, name.
        let remote: String
        let remoteName: String?
        /// A ringing phone's early dialog with the engine, once its provisional response gave
        /// it a tag.
        var early: EarlyDialog? = nil
    }

    struct EarlyDialog: Sendable, Equatable {
        let callID: String
        /// The ringing phone's tag.
        let localTag: String
        /// The engine's.
        let remoteTag: String
    }

    let number: String
    let host: String
    var entries: [Entry] = []

    /// What the phones were last told, to tell them again only when it changes.
    var signature: String {
        entries.map { "\($0.id) \($0.direction.rawValue) \($0.state.rawValue) \($0.early?.localTag ?? "")" }.sorted()
            .joined(separator: ",")
    }

    /// The document with `version` (one more in each NOTIFY of a subscription, RFC 4235 §4.1).
    func document(version: Int) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
        xml += "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"\(version)\" state=\"full\""
        xml += " entity=\"\(Self.escaped(uri(number)))\">\r\n"
        for entry in entries.sorted(by: { $0.id < $1.id }) {
            let tags = entry.early.map {
                " call-id=\"\(Self.escaped($0.callID))\" local-tag=\"\(Self.escaped($0.localTag))\" remote-tag=\"\(Self.escaped($0.remoteTag))\""
            } ?? ""
            xml += "<dialog id=\"\(Self.escaped(entry.id))\"\(tags) direction=\"\(entry.direction.rawValue)\">\r\n"
            xml += "<state>\(entry.state.rawValue)</state>\r\n"
            let display = entry.remoteName.map { " display=\"\(Self.escaped($0))\"" } ?? ""
            xml += "<remote><identity\(display)>\(Self.escaped(uri(entry.remote)))</identity>"
            xml += "<target uri=\"\(Self.escaped(uri(entry.remote)))\"/></remote>\r\n"
            xml += "<local><identity>\(Self.escaped(uri(number)))</identity>"
            xml += "<target uri=\"\(Self.escaped(uri(number)))\"/></local>\r\n"
            xml += "</dialog>\r\n"
        }
        xml += "</dialog-info>\r\n"
        return xml
    }

    private func uri(_ user: String) -> String { "sip:\(user)@\(host)" }

    /// Text for an XML attribute or element.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
