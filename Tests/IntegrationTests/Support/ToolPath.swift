import Foundation

/// The programs the tests run beside the engine (sipp, baresip, stunnel, openssl...), found
/// in PATH as a shell finds them.
enum ToolPath {
    /// The first of `names` that is an executable file in a PATH directory; nil when none is.
    static func find(_ names: String...) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":")
        for name in names {
            if let found = directories.map({ "\($0)/\(name)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
                return found
            }
        }
        return nil
    }

    /// `name` (or one of `alternatives`) from PATH, or an error saying which Debian package
    /// brings it.
    static func require(_ name: String, _ alternatives: String..., package: String) throws -> URL {
        for candidate in [name] + alternatives {
            if let found = find(candidate) { return URL(fileURLWithPath: found) }
        }
        throw HarnessError("\(name) is not installed (not found in PATH); run 'bash scripts/setup-deps.sh' (package \(package))")
    }
}
