@testable import MQTT
import NIOCore
import NIOEmbedded
import Testing

/// The client's lifecycle, driven event by event with times given by the test: no sockets, no
/// clock, no waiting.
@Suite(.timeLimit(.minutes(1)))
struct ClientStateMachineTests {
    typealias Machine = MQTTClient.StateMachine

    static let policy = MQTTReconnectPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(8), jitter: 0)
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    static func info(keepAlive: UInt16 = 60) -> MQTTConnectionInfo {
        MQTTConnectionInfo(version: .v5, sessionPresent: false, clientID: "c", keepAlive: keepAlive, receiveMaximum: 10,
                           maximumPacketSize: nil, retainAvailable: true, maximumQoS: .exactlyOnce, properties: [])
    }

    static func activeChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1883)).wait()
        return channel
    }

    /// Starts an attempt: `connect()` from idle or closed, else the due reconnect. Returns the
    /// attempt and the channel number.
    static func begin(_ machine: inout Machine, version: MQTTProtocolVersion = .v5) throws -> (attempt: Int, connection: Int) {
        if case let .start(attempt, connection) = machine.connectRequested(version: version) { return (attempt, connection) }
        guard let due = machine.reconnectDue(version: version) else { throw TestFailure("cannot start an attempt") }
        return due
    }

    /// Takes the machine through one attempt to connected, at `now`; returns the connection number.
    @discardableResult
    static func connect(_ machine: inout Machine, at now: NIODeadline, keepAlive: Int64 = 60) async throws -> Int {
        let id = try begin(&machine).connection
        return try await complete(&machine, connection: id, at: now, keepAlive: keepAlive)
    }

    /// Takes channel `id` of the current attempt to connected.
    @discardableResult
    static func complete(_ machine: inout Machine, connection id: Int, at now: NIODeadline, keepAlive: Int64 = 60) async throws -> Int {
        guard case .sendConnect = machine.channelOpened(try activeChannel(), connection: id) else {
            throw TestFailure("channel not taken")
        }
        var outcome: Machine.ConnAckAction?
        _ = try await withCheckedThrowingContinuation { waiter in
            machine.awaitConnAck(waiter, timeout: nil)
            outcome = machine.connAckReceived(info(), refusal: nil, now: now, keepAlive: .seconds(keepAlive))
            if case let .connected(waiter) = outcome { waiter.resume(returning: info()) }
        }
        guard case .connected = outcome else { throw TestFailure("not connected") }
        return id
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: Keep-alive

    @Test func pingsAfterThreeQuartersOfTheKeepAliveAndClosesWhenThePingGoesUnanswered() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let id = try await Self.connect(&machine, at: Self.start)
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(44)) == .none)
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(45)) == .ping)
        // Unanswered for the keep alive capped at 30 s: give up.
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(75)) == .none)
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(76)) == .timedOut)
        guard case let .reconnect(delay, attempt, error) = machine.channelClosed(connection: id, now: Self.start + .seconds(76)) else {
            throw TestFailure("no reconnect")
        }
        #expect(error == .keepAliveTimeout)
        #expect(attempt == 1)
        #expect(delay == .seconds(1))
    }

    @Test func anAnsweredPingAndRecentWritesKeepTheConnection() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let id = try await Self.connect(&machine, at: Self.start)
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(45)) == .ping)
        machine.pingAnswered()
        machine.sent(at: Self.start + .seconds(46))
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(90)) == .none)
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(91)) == .ping)
    }

    @Test func whileReadingIsPausedAnUnansweredPingDoesNotCountButPingsGoOn() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let id = try await Self.connect(&machine, at: Self.start)
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(45)) == .ping)
        machine.sent(at: Self.start + .seconds(45))
        _ = machine.readingChanged(to: false, now: Self.start + .seconds(50))
        // Minutes pass unread: no timeout, and the broker still hears a ping each keep alive.
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(89)) == .none)
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(90)) == .ping)
        machine.sent(at: Self.start + .seconds(90))
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(200)) == .ping)
        machine.sent(at: Self.start + .seconds(200))
        // Reading resumes at 210 s: the answer's wait starts then.
        _ = machine.readingChanged(to: true, now: Self.start + .seconds(210))
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(240)) == .none)
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(241)) == .timedOut)
    }

    @Test func aKeepAliveOfZeroNeverPings() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let id = try await Self.connect(&machine, at: Self.start, keepAlive: 0)
        #expect(machine.keepAliveTick(connection: id, now: Self.start + .seconds(3600)) == .none)
    }

    // MARK: Reconnect backoff

    @Test func backoffGrowsUntilAConnectionStaysUpThirtySeconds() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        var now = Self.start
        var delays: [Duration] = []
        // A broker that accepts, then closes 1 s later, five times.
        for _ in 0..<5 {
            let id = try await Self.connect(&machine, at: now)
            now = now + .seconds(1)
            guard case let .reconnect(delay, _, _) = machine.channelClosed(connection: id, now: now) else {
                throw TestFailure("no reconnect")
            }
            delays.append(delay)
        }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8)])
        // One that stays up 30 s starts the backoff over.
        let id = try await Self.connect(&machine, at: now)
        guard case let .reconnect(delay, attempt, _) = machine.channelClosed(connection: id, now: now + .seconds(30)) else {
            throw TestFailure("no reconnect")
        }
        #expect(delay == .seconds(1))
        #expect(attempt == 1)
    }

    @Test func aFailedRetryWaitsLongerAndAFailedFirstConnectGivesUp() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let first = try Self.begin(&machine)
        guard case let .closeForGood(error) = machine.attemptFailed(.connectTimeout, attempt: first.attempt, reconnecting: false) else {
            throw TestFailure("first connect should give up")
        }
        #expect(error == .connectTimeout)
        #expect(machine.publicState == .closed(.connectTimeout))

        // connect() again on the closed client.
        let id = try await Self.connect(&machine, at: Self.start)
        _ = machine.channelClosed(connection: id, now: Self.start)
        let retry = try Self.begin(&machine)
        guard case let .reconnect(delay, attempt, _) = machine.attemptFailed(.connectTimeout, attempt: retry.attempt, reconnecting: true) else {
            throw TestFailure("a retry should retry")
        }
        #expect(attempt == 2)
        #expect(delay == .seconds(2))
        #expect(machine.publicState == .reconnecting(delay: .seconds(2), attempt: 2, lastError: .connectTimeout))
    }

    @Test func withReconnectOffALostConnectionClosesForGood() async throws {
        var machine = Machine(reconnect: .never, negotiates: false)
        let id = try await Self.connect(&machine, at: Self.start)
        machine.recordFailure(.disconnectedByServer(.serverShuttingDown, reasonString: nil), connection: id)
        guard case let .closeForGood(error) = machine.channelClosed(connection: id, now: Self.start) else {
            throw TestFailure("should close")
        }
        #expect(error == .disconnectedByServer(.serverShuttingDown, reasonString: nil))
        #expect(machine.isClosed)
    }

    // MARK: Old channels and closing

    @Test func eventsFromAnOlderChannelAreIgnored() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let old = try await Self.connect(&machine, at: Self.start)
        _ = machine.channelClosed(connection: old, now: Self.start)
        let current = try await Self.connect(&machine, at: Self.start)
        #expect(!machine.isCurrent(old))
        #expect(machine.keepAliveTick(connection: old, now: Self.start + .seconds(3600)) == .none)
        machine.recordFailure(.keepAliveTimeout, connection: old)
        guard case .none = machine.channelClosed(connection: old, now: Self.start) else { throw TestFailure("old close acted") }
        #expect(machine.publicState.isConnected)
        guard case let .reconnect(_, _, error) = machine.channelClosed(connection: current, now: Self.start) else {
            throw TestFailure("current close ignored")
        }
        #expect(error == .disconnectedByServer(nil, reasonString: nil))
    }

    @Test func closingWhileWaitingToReconnectStopsEverything() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let id = try await Self.connect(&machine, at: Self.start)
        _ = machine.channelClosed(connection: id, now: Self.start)
        let action = machine.closeRequested()
        #expect(action.channel == nil && !action.sayDisconnect)
        #expect(machine.publicState == .closed(nil))
        #expect(machine.reconnectDue(version: .v5) == nil)
        guard case .none = machine.attemptFailed(.connectTimeout, attempt: 1, reconnecting: true) else { throw TestFailure("acted after close") }
    }

    @Test func closingWhileConnectedSaysDisconnect() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let id = try await Self.connect(&machine, at: Self.start)
        let action = machine.closeRequested()
        #expect(action.channel != nil && action.sayDisconnect)
        guard case .none = machine.channelClosed(connection: id, now: Self.start) else { throw TestFailure("close acted twice") }
    }

    // MARK: The handshake

    @Test func aRefusedConnAckClosesAndTheAttemptFailsWithItsReason() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let id = try Self.begin(&machine).connection
        guard case .sendConnect = machine.channelOpened(try Self.activeChannel(), connection: id) else { throw TestFailure("") }
        let refusal = MQTTClientError.connectionRefused(.notAuthorized, reasonString: nil)
        do {
            _ = try await withCheckedThrowingContinuation { waiter in
                machine.awaitConnAck(waiter, timeout: nil)
                guard case .refused = machine.connAckReceived(Self.info(), refusal: refusal, now: Self.start, keepAlive: .zero) else {
                    return waiter.resume(throwing: TestFailure("not refused"))
                }
                guard case let .failAttempt(attemptWaiter, error) = machine.channelClosed(connection: id, now: Self.start) else {
                    return waiter.resume(throwing: TestFailure("attempt not failed"))
                }
                attemptWaiter?.resume(throwing: error)
            }
            Issue.record("connected")
        } catch let error as MQTTClientError {
            #expect(error == refusal)
        }
        #expect(machine.publicState == .connecting)
    }

    @Test func aConnAckTimeoutNamesItselfAsTheReason() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let id = try Self.begin(&machine, version: .v311).connection
        guard case .sendConnect = machine.channelOpened(try Self.activeChannel(), connection: id) else { throw TestFailure("") }
        await #expect(throws: MQTTClientError.connectTimeout) {
            _ = try await withCheckedThrowingContinuation { waiter in
                machine.awaitConnAck(waiter, timeout: nil)
                #expect(machine.connAckTimedOut(connection: id) != nil)
                if case let .failAttempt(attemptWaiter, error) = machine.channelClosed(connection: id, now: Self.start) {
                    attemptWaiter?.resume(throwing: error)
                }
            }
        }
    }

    @Test func aChannelThatClosedBeforeItWasTakenIsAbandoned() throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let id = try Self.begin(&machine).connection
        machine.recordFailure(.connectionFailed(MQTTConnectionFailure(host: "h", port: 1, reason: .reset)), connection: id)
        machine.recordFailure(.tls(MQTTTLSFailure(reason: .handshake)), connection: id)
        _ = machine.channelClosed(connection: id, now: Self.start)
        // A TLS failure explains the reset that came with it.
        guard case let .abandon(error) = machine.channelOpened(try Self.activeChannel(), connection: id) else {
            throw TestFailure("taken")
        }
        #expect(error == .tls(MQTTTLSFailure(reason: .handshake)))
    }

    @Test func theFallbackIsTheSameAttemptOnANewChannelAndTheWorkingVersionIsKept() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: true)
        let (attempt, v5) = try Self.begin(&machine)
        #expect(machine.connectRequested(version: .v5) == .inProgress)
        guard case .sendConnect = machine.channelOpened(try Self.activeChannel(), connection: v5) else { throw TestFailure("") }
        _ = machine.channelClosed(connection: v5, now: Self.start)
        let fallback = machine.fallBack(from: v5)
        let v311 = try #require(fallback)
        #expect(v311 != v5)
        #expect(machine.fallBack(from: v5) == nil, "only the current channel falls back")
        #expect(machine.currentAttempt == attempt)
        try await Self.complete(&machine, connection: v311, at: Self.start)
        #expect(machine.negotiatedVersion == .v311)
        #expect(machine.publicState.isConnected)
    }

    @Test func connectWhileConnectingOrReconnectingIsRefusedAndWhileConnectedAnswersAtOnce() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let id = try await Self.connect(&machine, at: Self.start)
        #expect(machine.connectRequested(version: .v5) == .alreadyConnected(Self.info()))
        _ = machine.channelClosed(connection: id, now: Self.start)
        #expect(machine.connectRequested(version: .v5) == .inProgress)
        let due = machine.reconnectDue(version: .v5)
        #expect(due != nil)
        #expect(machine.connectRequested(version: .v5) == .inProgress)
        // A reconnect that is no longer due (the attempt already started) starts nothing.
        #expect(machine.reconnectDue(version: .v5) == nil)
    }

    // MARK: Topic aliases

    @Test func aliasesAreSetResolvedAndBounded() async throws {
        var machine = Machine(reconnect: Self.policy, negotiates: false)
        let id = try await Self.connect(&machine, at: Self.start)
        #expect(try machine.resolveAlias(3, topic: "home/a", maximum: 10).get() == "home/a")
        #expect(try machine.resolveAlias(3, topic: "", maximum: 10).get() == "home/a")
        #expect(throws: Machine.AliasProblem.unknown(4)) { try machine.resolveAlias(4, topic: "", maximum: 10).get() }
        #expect(throws: Machine.AliasProblem.aboveMaximum(11)) { try machine.resolveAlias(11, topic: "x", maximum: 10).get() }
        // A new connection starts with none.
        _ = machine.channelClosed(connection: id, now: Self.start)
        try await Self.connect(&machine, at: Self.start)
        #expect(throws: Machine.AliasProblem.unknown(3)) { try machine.resolveAlias(3, topic: "", maximum: 10).get() }
    }
}
