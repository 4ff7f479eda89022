import Foundation

/// Where the package and its built executables are. The package root is derived from this
/// file's path, so the tests find `.build/debug` whatever the working directory of `swift test`.
enum PackageLayout {
    /// Overrides the directory holding `vpbx-engine` and `vpbx` (e.g. a release build).
    static let binDirectoryVariable = "VPBX_BIN_DIR"

    /// `<root>/Tests/IntegrationTests/Support/PackageLayout.swift` → `<root>`.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // IntegrationTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static var binDirectory: URL {
        if let override = ProcessInfo.processInfo.environment[binDirectoryVariable], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return root.appendingPathComponent(".build/debug")
    }

    /// The built executable `name`, or an error telling how to build it.
    static func executable(_ name: String) throws -> URL {
        let url = binDirectory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw HarnessError(
                "\(url.path) is missing: the integration tests run the built executables; "
                    + "run 'swift build' first (or set \(binDirectoryVariable) to a directory holding vpbx-engine and vpbx)"
            )
        }
        return url
    }
}
