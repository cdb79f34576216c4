// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "writ",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "writ", targets: ["writ"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ", "COpenSSL",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(name: "WritCrypto", dependencies: ["COpenSSL", "CArgon2"], swiftSettings: strict),
        .target(name: "WritCore", dependencies: ["WritCrypto"], swiftSettings: strict),
        .target(
            name: "WritStore",
            dependencies: ["Postgres", "WritCore", "WritCrypto", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // WritAPI reaches the database only through WritStore: it does not depend on Postgres.
        .target(
            name: "WritAPI",
            dependencies: [
                "WritStore", "WritCore", "WritCrypto", "COpenSSL",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        // Benchmark drivers and fixtures made through the store's own calls (`writ bench`).
        .target(name: "WritBench", dependencies: ["WritStore", "WritCore"], swiftSettings: strict),
        .executableTarget(
            name: "writ",
            dependencies: [
                "WritAPI", "WritStore", "WritCore", "WritBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "WritTestSupport"], swiftSettings: strict),
        .testTarget(name: "WritCryptoTests", dependencies: ["WritCrypto"], swiftSettings: strict),
        .testTarget(name: "WritCoreTests", dependencies: ["WritCore", "WritCrypto"], swiftSettings: strict),
        .target(name: "WritTestSupport", dependencies: ["WritStore", "Postgres"], path: "Tests/WritTestSupport", swiftSettings: strict),
        .testTarget(
            name: "WritStoreTests", dependencies: ["WritStore", "WritCore", "WritCrypto", "Postgres", "WritTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "WritAPITests",
            dependencies: [
                "WritAPI", "WritStore", "WritCore", "WritCrypto", "Postgres", "WritTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
