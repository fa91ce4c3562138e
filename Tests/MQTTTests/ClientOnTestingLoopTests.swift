import MQTT
import MQTTTestSupport
import NIOCore
import Testing

/// The client actor on in-memory channels with a manual clock: keep-alive, reconnect backoff and
/// timeouts happen when the test moves time, not after real seconds.
@Suite(.timeLimit(.minutes(1)))
struct ClientOnTestingLoopTests {
    static func configuration(keepAlive: UInt16 = 60, reconnect: MQTTReconnectPolicy = .never) -> MQTTClientConfiguration {
        MQTTClientConfiguration(host: "broker.test", port: 1883, clientID: "loop-test", version: .only(.v5),
                                keepAlive: keepAlive, reconnect: reconnect, connectTimeout: .seconds(10))
    }

    static let backoff = MQTTReconnectPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(30), jitter: 0)

    /// Accepts the next connection: reads CONNECT, answers CONNACK.
    static func accept(_ broker: InMemoryBroker) async throws -> InMemoryConnection {
        let connection = try await broker.nextConnection()
        guard case .connect = try await connection.receive() else { throw TestSupportError("no CONNECT") }
        try await connection.send(.connack(ConnAckPacket()))
        return connection
    }

    /// Accepts the next connection, and expects the client to report connecting, then connected.
    static func acceptReporting(_ broker: InMemoryBroker, _ events: inout MQTTEventStream.AsyncIterator) async throws
        -> InMemoryConnection {
        let connection = try await accept(broker)
        #expect(try await nextState(&events) == .connecting)
        #expect(try await nextState(&events).isConnected)
        return connection
    }

    /// A client on a testing broker, connected, with its events read up to the connected report.
    static func connected(reconnect: MQTTReconnectPolicy) async throws
        -> (InMemoryBroker, MQTTClient, InMemoryConnection, MQTTEventStream.AsyncIterator) {
        let broker = InMemoryBroker()
        let client = broker.client(configuration(reconnect: reconnect))
        var events = client.events.makeAsyncIterator()
        let connecting = Task { try await client.connect() }
        let first = try await acceptReporting(broker, &events)
        _ = try await connecting.value
        return (broker, client, first, events)
    }

    /// The next connection state the client reports.
    static func nextState(_ events: inout MQTTEventStream.AsyncIterator) async throws -> MQTTConnectionState {
        while let event = await events.next() {
            if case let .connectionState(state) = event { return state }
        }
        throw TestSupportError("events ended")
    }

    @Test func keepAlivePingsOnTheManualClockAndAnUnansweredPingReconnects() async throws {
        let (broker, client, first, iterator) = try await Self.connected(reconnect: Self.backoff)
        var events = iterator

        await broker.loop.advanceTime(by: .seconds(44))
        #expect(try await first.written() == nil)
        await broker.loop.advanceTime(by: .seconds(1))
        #expect(try await first.written() == .pingreq)
        // No PINGRESP: 30 s later the connection is given up and retried after the backoff.
        await broker.loop.advanceTime(by: .seconds(31))
        #expect(try await Self.nextState(&events) == .reconnecting(delay: .seconds(1), attempt: 1, lastError: .keepAliveTimeout))
        #expect(!first.channel.isActive)
        await broker.loop.advanceTime(by: .seconds(1))
        _ = try await Self.acceptReporting(broker, &events)
        await client.disconnect()
    }

    @Test func anAnsweredPingKeepsTheConnection() async throws {
        let broker = InMemoryBroker()
        let client = broker.client(Self.configuration(keepAlive: 10))
        async let connected = client.connect()
        let connection = try await Self.accept(broker)
        _ = try await connected
        for _ in 0..<5 {
            await broker.loop.advanceTime(by: .seconds(8))
            #expect(try await connection.written() == .pingreq)
            try await connection.send(.pingresp)
        }
        #expect(await client.state.isConnected)
        await client.disconnect()
        #expect(try await connection.written() == .disconnect(DisconnectPacket()))
    }

    @Test func reconnectBackoffDoublesOnTheManualClock() async throws {
        let (broker, client, first, iterator) = try await Self.connected(reconnect: Self.backoff)
        var events = iterator

        broker.refuseNext(3)
        try await first.close()
        var delays: [Duration] = []
        for _ in 0..<4 {
            guard case let .reconnecting(delay, attempt, _) = try await Self.nextState(&events) else {
                throw TestSupportError("not reconnecting")
            }
            #expect(attempt == delays.count + 1)
            delays.append(delay)
            if delays.count == 4 { break }
            await broker.loop.advanceTime(by: .init(delay))
            #expect(try await Self.nextState(&events) == .connecting)
        }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
        await broker.loop.advanceTime(by: .seconds(8))
        _ = try await Self.acceptReporting(broker, &events)
        await client.disconnect()
    }

    @Test func noConnAckTimesOutOnTheManualClock() async throws {
        let broker = InMemoryBroker()
        let client = broker.client(Self.configuration())
        let connected = Task { try await client.connect() }
        let connection = try await broker.nextConnection()
        guard case .connect = try await connection.receive() else { throw TestSupportError("no CONNECT") }
        await broker.loop.advanceTime(by: .seconds(9))
        #expect(connection.channel.isActive)
        await broker.loop.advanceTime(by: .seconds(1))
        await #expect(throws: MQTTClientError.connectTimeout) { _ = try await connected.value }
        #expect(await client.state == .closed(.connectTimeout))
    }

    @Test func aBrokerSilentToMQTT5IsSpokenTo311AfterAShortWaitAndThenAtOnce() async throws {
        let broker = InMemoryBroker()
        var configuration = Self.configuration(reconnect: Self.backoff)
        configuration.version = .automatic
        let client = broker.client(configuration)
        let connected = Task { try await client.connect() }
        // A broker that knows only 3.1.1 and never answers a 5.0 CONNECT (amqtt).
        let silent = try await broker.nextConnection()
        guard case let .connect(first) = try await silent.receive() else { throw TestSupportError("no CONNECT") }
        #expect(first.version == .v5)
        await broker.loop.advanceTime(by: .milliseconds(1_499))
        #expect(silent.channel.isActive, "not before 1.5 s")
        await broker.loop.advanceTime(by: .milliseconds(1))
        let answered = try await broker.nextConnection()
        guard case let .connect(second) = try await answered.receive(version: .v311) else { throw TestSupportError("no second CONNECT") }
        #expect(second.version == .v311)
        try await answered.send(.connack(ConnAckPacket()), version: .v311)
        #expect(try await connected.value.version == .v311)
        // What worked is kept: the reconnect speaks 3.1.1 at once.
        try await answered.close()
        await broker.loop.advanceTime(by: .seconds(1))
        let again = try await broker.nextConnection()
        guard case let .connect(third) = try await again.receive(version: .v311) else { throw TestSupportError("no CONNECT after the reconnect") }
        #expect(third.version == .v311)
        await client.disconnect()
    }

    // MARK: Ending an attempt early

    @Test func disconnectWhileWaitingForConnAckEndsTheAttempt() async throws {
        let broker = InMemoryBroker()
        let client = broker.client(Self.configuration(reconnect: Self.backoff))
        let connected = Task { try await client.connect() }
        let connection = try await broker.nextConnection()
        guard case .connect = try await connection.receive() else { throw TestSupportError("no CONNECT") }
        await client.disconnect()
        await #expect(throws: MQTTClientError.closed) { _ = try await connected.value }
        #expect(await client.state == .closed(nil))
        #expect(!connection.channel.isActive)
    }

    @Test func cancellingConnectEndsItWithCancellationError() async throws {
        let broker = InMemoryBroker()
        let client = broker.client(Self.configuration())
        let connected = Task { try await client.connect() }
        let connection = try await broker.nextConnection()
        guard case .connect = try await connection.receive() else { throw TestSupportError("no CONNECT") }
        connected.cancel()
        await #expect(throws: CancellationError.self) { _ = try await connected.value }
        #expect(await client.state == .closed(nil))
        #expect(!connection.channel.isActive)
    }

    @Test func connectWhileReconnectingIsRefusedAndDisconnectStopsTheAttemptInFlight() async throws {
        let (broker, client, first, iterator) = try await Self.connected(reconnect: Self.backoff)
        var events = iterator
        try await first.close()
        #expect(try await Self.nextState(&events) == .reconnecting(delay: .seconds(1), attempt: 1,
                                                                 lastError: .disconnectedByServer(nil, reasonString: nil)))
        await #expect(throws: MQTTClientError.connectionInProgress) { _ = try await client.connect() }
        // The retry opens a channel and sends CONNECT; the user disconnects before CONNACK.
        await broker.loop.advanceTime(by: .seconds(1))
        let retry = try await broker.nextConnection()
        guard case .connect = try await retry.receive() else { throw TestSupportError("no CONNECT") }
        await client.disconnect()
        #expect(await client.state == .closed(nil))
        #expect(!retry.channel.isActive)
        // Nothing is retried after that.
        await broker.loop.advanceTime(by: .seconds(60))
        #expect(await client.state == .closed(nil))
    }
}
