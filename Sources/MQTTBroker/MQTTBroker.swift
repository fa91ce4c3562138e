import Logging
import MQTT
import NIOCore
import NIOPosix
import Synchronization

/// An MQTT 3.1.1 and 5.0 broker on SwiftNIO, reusing Hearth's codec: for the demo and for tests.
///
/// Retained messages, QoS 0/1/2, wills, persistent sessions, `$SYS/broker/...`, optional user
/// names and passwords, and retained messages kept on disk with `persistencePath`. Everything
/// runs on one event loop, so its state needs no locks; only persistence hands changes to a
/// queue of its own.
///
/// ```swift
/// let broker = MQTTBroker(configuration: BrokerConfiguration(port: 0))
/// let port = try await broker.start()
/// // ... clients connect to 127.0.0.1:port ...
/// await broker.stop()
/// ```
public final class MQTTBroker: Sendable {
    public let configuration: BrokerConfiguration
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let state = Mutex<Running?>(nil)

    /// What exists while the broker runs. The core is only touched on its event loop.
    private struct Running: Sendable {
        let channel: any Channel
        let webSocketChannel: (any Channel)?
        let core: NIOLoopBound<BrokerCore>
        let timers: [RepeatedTask]
        let persistence: RetainedPersistence?
    }

    public init(configuration: BrokerConfiguration) {
        self.configuration = configuration
    }

    /// The WebSockets listener's port, while it listens.
    public var webSocketPort: Int? {
        state.withLock { $0?.webSocketChannel?.localAddress?.port }
    }

    /// A listening socket on `port` whose connections `configure` sets up; a failure is one line
    /// ("cannot listen\(what) on host:port: Address already in use").
    private func listen(port: Int, what: String,
                        configure: @escaping @Sendable (any Channel) throws -> Void) async throws -> any Channel {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // A client is "backed up" (its QoS 0 messages dropped) past 1 MiB not yet sent.
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
            .childChannelInitializer { channel in channel.eventLoop.makeCompletedFuture { try configure(channel) } }
        do {
            return try await bootstrap.bind(host: configuration.host, port: port).get()
        } catch {
            throw BrokerError("cannot listen\(what) on \(configuration.host):\(port): \(Self.describe(error))")
        }
    }

    /// A bind's error in the system's words ("Address already in use"), not NIO's call.
    private static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return "\(error)"
    }

    /// Listens, and returns the port (the one chosen when the configuration says 0).
    public func start() async throws -> Int {
        let loop = group.next()
        let configuration = configuration
        // Read on the loop that will own the retained messages, before anyone connects.
        let (core, persistence) = try await loop.submit { () -> (NIOLoopBound<BrokerCore>, RetainedPersistence?) in
            var retained = RetainedStore()
            var persistence: RetainedPersistence?
            if let path = configuration.persistencePath {
                try RetainedStore.checkWritable(path)
                do {
                    retained = try RetainedStore.load(from: path)
                } catch {
                    // A file that cannot be read is one line, and the broker starts empty (the
                    // file is replaced at the first save).
                    configuration.report("\(error); starting with no retained messages")
                }
                persistence = RetainedPersistence(path: path, retained: retained.userMessages(), report: configuration.report)
            }
            let core = BrokerCore(configuration: configuration, eventLoop: loop, retained: retained, persistence: persistence)
            return (NIOLoopBound(core, eventLoop: loop), persistence)
        }.get()
        let channel = try await listen(port: configuration.port, what: "") { channel in
            try channel.pipeline.syncOperations.addHandler(BrokerConnection(core: core.value))
        }
        var webSocketChannel: (any Channel)?
        if let webSocketPort = configuration.webSocketPort {
            do {
                webSocketChannel = try await listen(port: webSocketPort, what: " for WebSockets") { channel in
                    try WebSocketListener.configure(channel, core: core)
                }
            } catch {
                try? await channel.close()
                throw error
            }
        }
        let timers = try await loop.submit {
            var timers = [loop.scheduleRepeatedTask(initialDelay: .zero, delay: Self.amount(configuration.sysInterval)) { _ in
                core.value.publishSys()
            }]
            if let persistence {
                // The loop only starts the save; the writing happens on the persistence queue.
                let interval = Self.amount(configuration.persistenceInterval)
                timers.append(loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in persistence.saveInBackground() })
            }
            return timers
        }.get()
        state.withLock { $0 = Running(channel: channel, webSocketChannel: webSocketChannel, core: core, timers: timers, persistence: persistence) }
        return channel.localAddress?.port ?? configuration.port
    }

    /// Closes the listener and every client, writes retained messages (with `persistencePath`),
    /// and ends the event loop (also after a `start` that failed).
    public func stop() async {
        let running = state.withLock { state -> Running? in
            defer { state = nil }
            return state
        }
        if let running {
            try? await running.channel.close()
            try? await running.webSocketChannel?.close()
            try? await running.channel.eventLoop.submit {
                running.timers.forEach { $0.cancel() }
                running.core.value.closeAll()
            }.get()
            running.persistence?.saveAndWait()
        }
        try? await group.shutdownGracefully()
    }

    /// The counters `$SYS` publishes.
    public func statistics() async throws -> BrokerStatistics {
        guard let running = state.withLock({ $0 }) else { return BrokerStatistics() }
        return try await running.channel.eventLoop.submit { running.core.value.currentStatistics }.get()
    }

    private static func amount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
