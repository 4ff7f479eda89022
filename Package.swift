// swift-tools-version:6.0
// vpbx: a virtual PBX for offices and call centers. Layering (DESIGN.md): pure protocol
// targets at the bottom, I/O above them, the product on top; arrows only point downward.
import PackageDescription

let nio: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let nioConcurrency: Target.Dependency = .product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "vpbx",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vpbx-engine", targets: ["vpbx-engine"]),
        .executable(name: "vpbx", targets: ["vpbx-cli"]),
        .executable(name: "vpbx-tui", targets: ["vpbx-tui"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        // X.509 chain and name checks of TLS trunks' certificates (SIPTLSServerCheck).
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        // Webhooks to CRM systems (HTTP POST of call events).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
    ],
    targets: [
        // Pure protocol layers: no NIO, GRDB or ncurses.
        // Byte-offset reading of ASCII-delimited text, under the SIP and SDP parsers.
        .target(name: "VPBXText"),
        .target(name: "VPBXSIP", dependencies: ["VPBXText", "VPBXSchedule"]),
        .target(name: "VPBXSDP", dependencies: ["VPBXText"]),
        .target(name: "VPBXRTP"),
        .target(name: "VPBXSchedule"),
        // Automatic call distribution core: queues, agents, strategies, statistics; pure, clock injected.
        .target(name: "VPBXACD"),
        .target(
            name: "VPBXSignaling",
            dependencies: [
                "VPBXSIP", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // SRTP (RFC 3711) with SDES keys (RFC 4568): AES counter mode and HMAC-SHA1 from swift-crypto.
        .target(
            name: "VPBXSRTP",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),
        // Media: signal processing and RTP/DTMF state machines under the players and recorders; pure.
        .target(name: "VPBXMedia", dependencies: ["VPBXRTP"]),
        // I/O layers.
        // SIP over TLS (RFC 3261 §26, RFC 5630) through NIOSSL.
        .target(
            name: "VPBXNetwork",
            dependencies: [
                "VPBXText", "VPBXSIP", "VPBXRTP", "VPBXSRTP", "CLinuxEpoll", "CResolv", nio, nioPosix, nioConcurrency, logging,
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "X509", package: "swift-certificates"),
            ]),
        // epoll and eventfd headers for the RTP relay's poller thread (Linux only).
        .systemLibrary(name: "CLinuxEpoll"),
        // glibc's resolver library (libresolv, in libc6-dev) for SRV lookups of trunks' servers.
        .systemLibrary(name: "CResolv"),
        .target(
            name: "VPBXStore",
            dependencies: [
                "VPBXText", "VPBXSchedule", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's column functions, to read stored dates in place (StorageDateText).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        .target(
            name: "VPBXControl",
            dependencies: ["VPBXText", nio, nioPosix, logging, .product(name: "DequeModule", package: "swift-collections")]),
        // The engine as a media endpoint (RTP termination for prompts, voicemail) and prompt files.
        .target(
            name: "VPBXMediaIO",
            dependencies: [
                "VPBXText", "VPBXMedia", "VPBXRTP", "VPBXNetwork", nio, logging, .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The product.
        .target(
            name: "VPBXPBX",
            dependencies: [
                "VPBXText", "VPBXSIP", "VPBXSDP", "VPBXRTP", "VPBXSRTP", "VPBXSignaling", "VPBXSchedule", "VPBXMedia", "VPBXNetwork",
                "VPBXStore", "VPBXACD", nio, logging,
            ]
        ),
        .target(
            name: "VPBXEngine",
            dependencies: [
                "VPBXPBX", "VPBXControl", "VPBXStore", "VPBXSchedule", "VPBXNetwork", "VPBXMediaIO", "VPBXSignaling", "VPBXSIP", "VPBXSDP",
                "VPBXText", "VPBXACD", nio, nioPosix, logging, .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .systemLibrary(name: "CNCursesW", providers: [.apt(["libncurses-dev"])]),
        .target(name: "VPBXTerminal", dependencies: ["CNCursesW"]),
        .target(name: "VPBXConsole", dependencies: ["VPBXTerminal", "VPBXControl"]),
        // Thin executables.
        // jemalloc replaces glibc's malloc in the engine: 5 % less CPU per call under sipp load
        // (docs/performance.md, "Stop 21").
        .systemLibrary(name: "CJemalloc", providers: [.apt(["libjemalloc-dev"])]),
        .executableTarget(name: "vpbx-engine", dependencies: ["VPBXEngine", "CJemalloc", argumentParser, logging]),
        .executableTarget(
            name: "vpbx-cli", dependencies: ["VPBXControl", "VPBXText", argumentParser, .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(name: "vpbx-tui", dependencies: ["VPBXConsole", "VPBXControl", argumentParser]),
        // Tests mirror the targets.
        // Helpers several test targets share (a seeded generator, a message mangler); no product uses it.
        .target(name: "VPBXTestSupport", path: "Tests/VPBXTestSupport"),
        .testTarget(name: "VPBXTextTests", dependencies: ["VPBXText"]),
        .testTarget(name: "VPBXSIPTests", dependencies: ["VPBXSIP", "VPBXText"], resources: [.copy("Fixtures")]),
        .testTarget(name: "VPBXSDPTests", dependencies: ["VPBXSDP", "VPBXTestSupport"]),
        .testTarget(name: "VPBXRTPTests", dependencies: ["VPBXRTP"]),
        .testTarget(name: "VPBXSRTPTests", dependencies: ["VPBXSRTP", "VPBXTestSupport"], exclude: ["make-libsrtp-vectors.py"]),
        .testTarget(name: "VPBXScheduleTests", dependencies: ["VPBXSchedule"]),
        .testTarget(name: "VPBXACDTests", dependencies: ["VPBXACD", "VPBXTestSupport"]),
        .testTarget(name: "VPBXSignalingTests", dependencies: ["VPBXSignaling", "VPBXSIP"]),
        .testTarget(name: "VPBXMediaTests", dependencies: ["VPBXMedia", "VPBXRTP", "VPBXTestSupport"]),
        // The sipp scenario is read from the source tree (#filePath), not bundled.
        .testTarget(
            name: "VPBXNetworkTests",
            dependencies: [
                "VPBXNetwork", "VPBXSIP", "VPBXRTP", "VPBXSRTP", "VPBXMedia", nio, nioPosix, nioConcurrency,
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["SIP/Scenarios"]),
        .testTarget(
            name: "VPBXMediaIOTests",
            dependencies: ["VPBXMediaIO", "VPBXMedia", "VPBXNetwork", "VPBXRTP", nio, nioPosix, nioConcurrency]
        ),
        .testTarget(name: "VPBXStoreTests", dependencies: ["VPBXStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "VPBXControlTests",
            dependencies: ["VPBXControl", nio, nioPosix, logging, .product(name: "NIOEmbedded", package: "swift-nio")]
        ),
        .testTarget(
            name: "VPBXPBXTests",
            dependencies: ["VPBXPBX", "VPBXStore", "VPBXSIP", "VPBXSDP", "VPBXSRTP", "VPBXNetwork", "VPBXSchedule", "VPBXACD", "VPBXTestSupport"]),
        .testTarget(
            name: "VPBXEngineTests", dependencies: ["VPBXEngine", "VPBXPBX", "VPBXStore", "VPBXMediaIO", "VPBXACD", logging]),
        .testTarget(name: "VPBXConsoleTests", dependencies: ["VPBXConsole", "VPBXTestSupport"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "VPBXControl", "VPBXRTP", "VPBXMedia", "VPBXSRTP", "VPBXTestSupport", .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Scenarios")]),
    ]
)
