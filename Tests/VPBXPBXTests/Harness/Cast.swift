import VPBXPBX

/// The phones of the tests. Bob has two devices (extension 101), so his calls fork.
enum Cast {
    static let alice = Phone("100", at: "192.0.2.10")
    static let bobDesk = Phone("101", at: "192.0.2.21")
    static let bobSoft = Phone("101", at: "192.0.2.22", port: 5062)
    /// Provisioned but never registered.
    static let carol = Phone("102", at: "192.0.2.30")

    static let everyone = [alice, bobDesk, bobSoft, carol]
}
