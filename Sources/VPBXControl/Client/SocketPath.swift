/// Where clients look for the engine's control socket: `--socket`, else the
/// `VPBX_SOCKET` environment variable, else `./vpbx-data/control.sock`.
public enum SocketPath {
    public static let environmentVariable = "VPBX_SOCKET"
    public static let defaultPath = "./vpbx-data/control.sock"

    /// Resolves the socket path; empty values count as unset.
    public static func resolve(option: String?, environment: [String: String]) -> String {
        if let option, !option.isEmpty { return option }
        if let value = environment[environmentVariable], !value.isEmpty { return value }
        return defaultPath
    }
}
