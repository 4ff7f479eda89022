import VPBXText

extension SIPURI {
    /// The URI parameters that must be in both URIs or in neither (RFC 3261 §19.1.4): they
    /// change where or how a request is sent, so a URI with one is another resource.
    private static let parametersThatMustMatch = ["user", "ttl", "method", "maddr", "transport"]

    /// RFC 3261 §19.1.4 equality: what a registrar uses to tell whether a REGISTER names a
    /// contact it already holds. The user part is compared case-sensitively (it is kept
    /// decoded, so `%61lice` is `alice`), the host case-insensitively, a port only when both
    /// or neither give one (`:5060` is not the same as no port); `user`, `ttl`, `method`,
    /// `maddr` and `transport` must be in both or neither and agree, any other parameter only
    /// where both have it; headers must be the same set.
    public func isEquivalent(to other: SIPURI) -> Bool {
        guard scheme.caseInsensitiveEquals(other.scheme), user == other.user, password == other.password,
            host.caseInsensitiveEquals(other.host), port == other.port
        else { return false }
        for parameter in parameters {
            switch other.parameters.value(named: parameter.name) {
            case .none:
                if Self.parametersThatMustMatch.contains(where: { $0.caseInsensitiveEquals(parameter.name) }) {
                    return false
                }
            case .some(let otherValue):
                guard Self.sameParameterValue(parameter.value, otherValue) else { return false }
            }
        }
        for name in Self.parametersThatMustMatch where other.parameters.contains(named: name) {
            guard parameters.contains(named: name) else { return false }
        }
        return Self.headerSet(headers) == Self.headerSet(other.headers)
    }

    private static func sameParameterValue(_ one: String?, _ other: String?) -> Bool {
        switch (one, other) {
        case (nil, nil): return true
        case (let one?, let other?): return one.caseInsensitiveEquals(other)
        default: return false
        }
    }

    /// `?a=b&c=d` as a set, names lower-cased: header order does not matter.
    private static func headerSet(_ headers: String?) -> Set<String> {
        guard let headers, !headers.isEmpty else { return [] }
        return Set(headers.split(separator: "&").map { component in
            guard let equals = component.firstIndex(of: "=") else { return component.lowercased() }
            return component[..<equals].lowercased() + component[equals...]
        })
    }
}
