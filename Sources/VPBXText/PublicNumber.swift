/// A number an extension dialled toward the public network, read by the Hungarian numbering
/// plan: what it is in E.164 and how far it reaches, which decides whether the extension may
/// call it (its outbound class) and how a trunk is sent it.
public struct PublicNumber: Sendable, Hashable {
    /// How far a number reaches, in the order an outbound class allows them: an extension
    /// allowed `international` may also call premium-rate and national numbers.
    public enum Reach: Int, Sendable, Comparable, CaseIterable {
        /// 112 and the services it replaced (104 ambulance, 105 fire, 107 police): dialled from
        /// every extension, whatever its class.
        case emergency
        /// Hungarian fixed and mobile numbers, toll-free 06-80 included.
        case national
        /// Hungarian premium-rate numbers (06-90, 06-91): where toll fraud and mistakes cost.
        case premium
        /// Other countries.
        case international

        public static func < (lhs: Reach, rhs: Reach) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// `+3612345678`, or the short number itself for an emergency number (short numbers have
    /// no E.164 form).
    public let e164: String
    public let reach: Reach

    /// The emergency short numbers the exchange always lets through.
    public static let emergencyNumbers: Set<String> = ["112", "104", "105", "107"]

    /// Premium-rate prefixes after 06 (NMHH numbering plan: "emelt díjas" services).
    static let premiumPrefixes: Set<String> = ["90", "91"]

    /// Reads `dialled` (`06 30 123 4567`, `+36...`, `0036...`, `00 49 ...`, `112`, and with
    /// `local` a local subscriber number or any of these after the outside-line prefix); nil
    /// when it is no public number (an extension number, a typo, a Hungarian number of the
    /// wrong length).
    public init?(dialled: String, local: LocalDialling = .none) {
        // After the prefix first: with 0 as the prefix, 0 06 30... is the national number a
        // user of the prefix dialled, not 00 63... (the Philippines). A number that is none
        // after it is read whole: 06 30... dialled without the prefix still goes out.
        if let prefix = local.outsidePrefix, dialled.count > prefix.count, dialled.hasPrefix(prefix),
            let number = Self(reading: String(dialled.dropFirst(prefix.count)), local: local)
        {
            self = number
        } else if let number = Self(reading: dialled, local: local) {
            self = number
        } else {
            return nil
        }
    }

    private init?(reading dialled: String, local: LocalDialling) {
        if Self.emergencyNumbers.contains(dialled) {
            (e164, reach) = (dialled, .emergency)
            return
        }
        guard let e164 = HungarianNumber.normalize(dialled) ?? local.localNumber(dialled) else { return nil }
        self.e164 = e164
        if e164.hasPrefix("+36") {
            let national = e164.dropFirst(3)
            reach = Self.premiumPrefixes.contains(String(national.prefix(2))) ? .premium : .national
        } else {
            reach = .international
        }
    }

    /// How a trunk wants numbers written in its Request-URI and To.
    public enum Format: String, Sendable, CaseIterable, Codable {
        /// `+3612345678` (most SIP providers).
        case e164
        /// `3612345678`: E.164 without the plus.
        case digits
        /// `0612345678` at home, `0049...` abroad: as a Hungarian phone dials.
        case national
    }

    /// This number as a trunk in `format` wants it.
    public func written(_ format: Format) -> String {
        guard reach != .emergency else { return e164 }
        let digits = e164.dropFirst()
        switch format {
        case .e164: return e164
        case .digits: return String(digits)
        case .national: return digits.hasPrefix("36") ? "06" + digits.dropFirst(2) : "00" + digits
        }
    }

    /// A route's number as an administrator types it: a public number (`+36 1 234 5600`,
    /// `06 1 234 5600`, `0036...`: a trunk's DID) in E.164, calls from trunks being routed
    /// by that; anything else (a short service number) as it is.
    public static func routeNumber(_ text: String) -> String {
        guard text.hasPrefix("+") || text.hasPrefix("06") || text.hasPrefix("00") else { return text }
        return HungarianNumber.normalize(text) ?? text
    }

    /// Whether `text` is a number in E.164 (`+` and 2 to 15 digits, not starting with 0): a
    /// caller's number that may be shown on to a network.
    public static func isE164(_ text: String) -> Bool {
        let digits = text.utf8.dropFirst()
        return text.utf8.first == UInt8(ascii: "+") && (2...15).contains(digits.count)
            && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            && digits.first != UInt8(ascii: "0")
    }

    /// A caller's number as a trunk gives it (`+36301234567`, `36301234567`, `06301234567`,
    /// `0036...`), in E.164 when it can be read as one, else as it came (`anonymous`, a
    /// short number): calls from outside are shown and searched for in one form.
    public static func fromNetwork(_ text: String) -> String {
        if let e164 = HungarianNumber.normalize(text) { return e164 }
        // A provider that leaves out the plus: 36 and a national number of the right length.
        if text.hasPrefix("36"), let e164 = HungarianNumber.normalize("+" + text) { return e164 }
        return text
    }
}
