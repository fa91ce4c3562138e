// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Hearth",
    // Built and tested on Linux. macOS 15 is the first with `Mutex` (Synchronization), which
    // the model and the app use; the MQTT library itself needs only what swift-nio needs.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hearth", targets: ["hearth"]),
        .library(name: "MQTT", targets: ["MQTT"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // The MQTT codec (pure, on ByteBuffer) and the client actor (NIO transport).
        .target(
            name: "MQTT",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // Everything the broker has said, as a tree with retained state, history and numeric series.
        // Pure Swift: no I/O, no terminal.
        .target(
            name: "TopicModel",
            dependencies: [
                "MQTT",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        // Recorded history: messages, numeric series and per-minute aggregates in one SQLite file
        // (GRDB, WAL). Depends on the model for its number extraction, never on the UI.
        .target(
            name: "HistoryStore",
            dependencies: ["MQTT", "TopicModel", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The dashboard's views, state and themes: pure, drawn on a canvas (ncurses or in memory).
        .target(
            name: "Dashboard",
            dependencies: ["MQTT", "TopicModel", "CWCWidth", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // wcwidth(3), which Glibc's module hides: the terminal's own rule for cell widths.
        .systemLibrary(name: "CWCWidth"),
        // Wide-character ncurses, through a shim that turns the wide API on.
        .systemLibrary(
            name: "CNcursesW",
            providers: [.apt(["libncursesw5-dev", "libncurses-dev"])]
        ),
        // The only code that calls ncurses: the terminal session, its canvas and key decoding.
        .target(
            name: "Terminal",
            dependencies: ["CNcursesW", "Dashboard"]
        ),
        // The embedded broker (demo and tests): SwiftNIO, reusing the MQTT codec.
        .target(
            name: "MQTTBroker",
            dependencies: [
                "MQTT",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // Test doubles: a real mosquitto launcher, a scripted fake server, and in-memory
        // connections on a manual clock.
        .target(
            name: "MQTTTestSupport",
            dependencies: [
                "MQTT",
                "MQTTBroker",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "hearth",
            dependencies: [
                "MQTT",
                "TopicModel",
                "Dashboard",
                "Terminal",
                "MQTTBroker",
                "HistoryStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Benchmarks of the topic model alone (release builds only): `swift run -c release hearth-model-bench`.
        .executableTarget(
            name: "hearth-model-bench",
            dependencies: ["TopicModel", "MQTT", "Dashboard"],
            path: "bench/ModelBench"
        ),
        // Fills a history store with a recorded home, for bench/first_frame_bench.py.
        .executableTarget(
            name: "hearth-store-fill",
            dependencies: ["HistoryStore", "MQTT"],
            path: "bench/StoreFill"
        ),
        // libFuzzer targets for the parsers (built and run by bench/fuzz.sh).
        .executableTarget(
            name: "hearth-fuzz",
            dependencies: ["MQTT", "TopicModel", "Dashboard", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/Fuzz/Harness"
        ),
        // Unit tests: no processes, no sockets.
        .testTarget(
            name: "MQTTTests",
            dependencies: ["MQTT", "MQTTTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio")]
        ),
        .testTarget(
            name: "HistoryStoreTests",
            dependencies: ["HistoryStore", "MQTT", "TopicModel", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "TopicModelTests",
            dependencies: ["TopicModel", "MQTT", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Dashboard", "TopicModel", "MQTT"]
        ),
        // Integration tests: the client and the embedded broker against real peers on loopback.
        .testTarget(
            name: "MQTTIntegrationTests",
            dependencies: ["MQTT", "MQTTTestSupport", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "MQTTBrokerTests",
            dependencies: ["MQTTBroker", "MQTT", "MQTTTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),
        // End-to-end tests: the `hearth` executable, in tmux or as a child process. The only
        // tests that depend on it, so a codec change does not rebuild the app for unit tests.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["hearth", "MQTT", "MQTTTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
