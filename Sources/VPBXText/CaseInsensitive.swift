extension StringProtocol {
    /// ASCII case-insensitive comparison without allocating lower-cased copies: for protocol
    /// tokens (SIP header and parameter names, SDP attribute and encoding names), which are
    /// ASCII and compared case-insensitively by their RFCs.
    @inlinable public func caseInsensitiveEquals(_ other: some StringProtocol) -> Bool {
        let lhs = utf8, rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        for (a, b) in zip(lhs, rhs) where a != b {
            let la = (a >= 65 && a <= 90) ? a + 32 : a
            let lb = (b >= 65 && b <= 90) ? b + 32 : b
            if la != lb { return false }
        }
        return true
    }
}
