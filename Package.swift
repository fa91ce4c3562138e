// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "Hearth",
    // Built and tested on Linux. macOS 15 is the first with `Mutex` (Synchronization), which
    // the model and the app use; the MQTT library itself needs only what swift-nio needs.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hearth", targets: ["hearth"]),
        .library(name: "MQTT", targets: ["MQTT"]),
        .library(name: "HearthKit", targets: ["HearthKit"]),
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
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
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
        // Recorded history: the store protocol every reader and writer uses, and its default,
        // one SQLite file (GRDB, WAL). Depends on the model for its number extraction, never on the UI.
        .target(
            name: "HistoryStore",
            dependencies: ["MQTT", "TopicModel", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        // Recorded history in PostgreSQL (postgres-nio): the same store protocol, for a fleet.
        .target(
            name: "PostgresHistory",
            dependencies: [
                "HistoryStore", "MQTT", "TopicModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Text for a terminal: escaping broker bytes, cell widths, numbers, ages and retained marks.
        // Used by the dashboard's views and the headless commands' printers alike.
        .target(
            name: "TextFormat",
            dependencies: ["TopicModel", "CWCWidth"]
        ),
        // Rules over the topic model: conditions, alerts that fire and resolve, and the state a
        // watcher keeps. Pure: it reads the model and is told the time.
        .target(
            name: "Watch",
            dependencies: ["MQTT", "TopicModel", .product(name: "HeapModule", package: "swift-collections")]
        ),
        // Where Hearth's configuration lives ($XDG_CONFIG_HOME/hearth) and how its TOML errors read:
        // shared by config.toml (HearthKit) and themes (Dashboard).
        .target(name: "ConfigFiles"),
        // The dashboard's views, state and themes: pure, drawn on a canvas (ncurses or in memory).
        .target(
            name: "Dashboard",
            dependencies: ["MQTT", "TopicModel", "TextFormat", "ConfigFiles", "Watch", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // The engine: a session per broker (connect, subscribe, feed the model, reconnect), the
        // recording pipeline, profiles and config.toml, and the headless commands' printers.
        // Used by every command; never by the terminal.
        .target(
            name: "HearthKit",
            dependencies: [
                "MQTT", "TopicModel", "HistoryStore", "PostgresHistory", "TextFormat", "ConfigFiles", "Watch",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
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
                "HearthKit",
                "TextFormat",
                "ConfigFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Benchmarks of the topic model alone (release builds only): `swift run -c release hearth-model-bench`.
        .executableTarget(
            name: "hearth-model-bench",
            dependencies: ["TopicModel", "MQTT", "Dashboard", "TextFormat"],
            path: "bench/ModelBench"
        ),
        // Fills a history store with a recorded home, for bench/first_frame_bench.py.
        .executableTarget(
            name: "hearth-store-fill",
            dependencies: ["HearthKit", "MQTT"],
            path: "bench/StoreFill"
        ),
        // libFuzzer targets for the parsers (built and run by bench/fuzz.sh).
        .executableTarget(
            name: "hearth-fuzz",
            dependencies: ["MQTT", "TopicModel", "Dashboard", "TextFormat", "Watch", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/Fuzz/Harness"
        ),
        // Unit tests: no processes, no sockets.
        .testTarget(
            name: "MQTTTests",
            dependencies: ["MQTT", "MQTTTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio")]
        ),
        // The store protocol's one suite, run against SQLite and PostgreSQL (a throwaway cluster).
        .testTarget(
            name: "HistoryStoreTests",
            dependencies: ["HistoryStore", "PostgresHistory", "MQTT", "TopicModel", "MQTTTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "TopicModelTests",
            dependencies: ["TopicModel", "MQTT", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "WatchTests",
            dependencies: ["Watch", "TopicModel", "MQTT"]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Dashboard", "TopicModel", "MQTT", "TextFormat", "ConfigFiles", "Watch"]
        ),
        // The engine on its own: sessions on the in-memory broker, the recording pipeline on a
        // manual clock, profiles, URLs and printers. No brokers, no sockets.
        .testTarget(
            name: "HearthKitTests",
            dependencies: ["HearthKit", "MQTT", "MQTTTestSupport", "TopicModel", "HistoryStore", "TextFormat", "Watch",
                           .product(name: "GRDB", package: "GRDB.swift")]
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
            dependencies: ["hearth", "MQTT", "MQTTTestSupport", "HistoryStore", "PostgresHistory", "HearthKit", "TopicModel"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
