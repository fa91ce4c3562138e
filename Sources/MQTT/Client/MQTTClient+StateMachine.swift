import NIOCore

// MARK: - The connection's lifecycle, as one value

extension MQTTClient {
    /// Where the connection is in its lifecycle, holding exactly what that stage needs.
    ///
    /// It does no I/O and reads no clock: the actor feeds it events (a channel opened, CONNACK,
    /// a keep-alive tick at `now`, the channel closed) and carries out the action each returns.
    /// Each event names the connection it comes from, and an event from an older channel is
    /// ignored here, in one place.
    struct StateMachine {
        enum State {
            case idle
            /// Opening a channel, then CONNECT until CONNACK.
            case connecting(Connecting)
            case connected(Connected)
            /// Waiting before attempt number `attempt`.
            case reconnecting(Reconnecting)
            /// Closed for good: by the user (nil) or by an error with reconnecting off.
            case closed(MQTTClientError?)
        }

        struct Connecting {
            /// The logical attempt: one per `connect()` or reconnect; the 3.1.1 fallback keeps it.
            var attempt: Int
            /// The channel: each attempt on a new channel gets a new number.
            var connection: Int
            var version: MQTTProtocolVersion
            var channel: (any Channel)?
            var connAck: CheckedContinuation<MQTTConnectionInfo, any Error>?
            var connAckTimeout: Scheduled<Void>?
            /// The first error seen on this channel: why it closed.
            var closeReason: MQTTClientError?
            /// The channel closed before CONNACK.
            var lost = false
        }

        struct Connected {
            var connection: Int
            var version: MQTTProtocolVersion
            var channel: any Channel
            var info: MQTTConnectionInfo
            /// When CONNACK arrived: a connection that lasts `healthyConnection` resets the backoff.
            var since: NIODeadline
            var keepAlive: KeepAlive
            /// Topic aliases the broker set on this connection (they never outlive it).
            var aliases: [UInt16: String] = [:]
            var closeReason: MQTTClientError?
        }

        struct KeepAlive {
            /// Zero turns pings off.
            var interval: TimeAmount
            var task: RepeatedTask?
            var lastSend: NIODeadline
            var pingSentAt: NIODeadline?
            /// Reading is paused (`.pauseReading` with a full buffer): an answer to a ping cannot
            /// be read, so its wait does not count.
            var readingPaused = false
        }

        struct Reconnecting {
            var attempt: Int
            var delay: Duration
            var lastError: MQTTClientError
            var timer: Scheduled<Void>?
        }

        private(set) var state: State = .idle
        // Kept apart from `state` for the per-packet path: reading them from the enum would copy
        // its payload (and retain all it holds) for every packet. Set by `become`.
        /// The channel number events must carry to count: the current attempt's or connection's.
        private(set) var currentConnection = 0
        /// Connecting: a CONNACK is the only packet expected.
        private(set) var isAwaitingConnAck = false
        /// The open channel, connecting or connected.
        private(set) var channel: (any Channel)?
        private(set) var version: MQTTProtocolVersion?
        /// Reconnect attempts since the last connection that stayed up for `healthyConnection`.
        private(set) var failedAttempts = 0
        /// The version that worked, kept for reconnects once `.automatic` has found it.
        private(set) var negotiatedVersion: MQTTProtocolVersion?
        private var lastConnection = 0
        private var lastAttempt = 0
        let reconnect: MQTTReconnectPolicy
        /// Whether `.automatic` version negotiation is on.
        let negotiates: Bool
        /// How long a connection must last before the reconnect backoff starts over.
        static let healthyConnection = TimeAmount.seconds(30)

        init(reconnect: MQTTReconnectPolicy, negotiates: Bool) {
            self.reconnect = reconnect
            self.negotiates = negotiates
        }

        // MARK: What the actor reads

        /// The state as the public API reports it.
        var publicState: MQTTConnectionState {
            switch state {
            case .idle: return .idle
            case .connecting: return .connecting
            case let .connected(connected): return .connected(connected.info)
            case let .reconnecting(waiting):
                return .reconnecting(delay: waiting.delay, attempt: waiting.attempt, lastError: waiting.lastError)
            case let .closed(error): return .closed(error)
            }
        }

        var info: MQTTConnectionInfo? {
            guard case let .connected(connected) = state else { return nil }
            return connected.info
        }

        /// The attempt in progress, if connecting.
        var currentAttempt: Int? {
            guard case let .connecting(connecting) = state else { return nil }
            return connecting.attempt
        }

        /// Whether an event from `connection` concerns the current channel.
        func isCurrent(_ connection: Int) -> Bool { connection != 0 && connection == currentConnection }

        var isClosed: Bool {
            if case .closed = state { return true }
            return false
        }

        // MARK: Connecting

        enum ConnectStart: Equatable {
            /// Connect: attempt number `attempt`, on channel number `connection`.
            case start(attempt: Int, connection: Int)
            case alreadyConnected(MQTTConnectionInfo)
            /// Connecting or reconnecting already; the client goes on by itself.
            case inProgress
        }

        /// `connect()`: starts an attempt from idle or closed.
        mutating func connectRequested(version: MQTTProtocolVersion) -> ConnectStart {
            switch state {
            case .idle, .closed:
                return .start(attempt: beginAttempt(version: version), connection: lastConnection)
            case let .connected(connected):
                return .alreadyConnected(connected.info)
            case .connecting, .reconnecting:
                return .inProgress
            }
        }

        /// The reconnect delay is over: starts the next attempt; nil when the client was closed
        /// (or connected) meanwhile.
        mutating func reconnectDue(version: MQTTProtocolVersion) -> (attempt: Int, connection: Int)? {
            guard case .reconnecting = state else { return nil }
            return (beginAttempt(version: version), lastConnection)
        }

        /// The 5.0 attempt on channel `connection` was refused: the same attempt tries 3.1.1 on a
        /// new channel. Nil when the attempt is no longer current.
        mutating func fallBack(from connection: Int) -> Int? {
            guard case let .connecting(connecting) = state, connecting.connection == connection else { return nil }
            lastConnection += 1
            become(.connecting(Connecting(attempt: connecting.attempt, connection: lastConnection, version: .v311)))
            return lastConnection
        }

        private mutating func beginAttempt(version: MQTTProtocolVersion) -> Int {
            if case let .reconnecting(waiting) = state { waiting.timer?.cancel() }
            lastAttempt += 1
            lastConnection += 1
            become(.connecting(Connecting(attempt: lastAttempt, connection: lastConnection, version: version)))
            return lastAttempt
        }

        enum ChannelOpenedAction {
            case sendConnect
            /// The attempt is over (closed by the user, or the channel already closed): close the
            /// channel and throw.
            case abandon(MQTTClientError)
        }

        mutating func channelOpened(_ channel: any Channel, connection: Int) -> ChannelOpenedAction {
            guard case var .connecting(connecting) = state, connecting.connection == connection else {
                return .abandon(isClosed ? .closed : .disconnectedByServer(nil, reasonString: nil))
            }
            guard !connecting.lost, channel.isActive else {
                return .abandon(connecting.closeReason ?? .disconnectedByServer(nil, reasonString: nil))
            }
            connecting.channel = channel
            become(.connecting(connecting))
            return .sendConnect
        }

        /// CONNECT was sent: the attempt waits for CONNACK (or its timeout, or the channel closing).
        mutating func awaitConnAck(_ waiter: CheckedContinuation<MQTTConnectionInfo, any Error>, timeout: Scheduled<Void>?) {
            guard case var .connecting(connecting) = state, !connecting.lost else {
                timeout?.cancel()
                return waiter.resume(throwing: isClosed ? MQTTClientError.closed : .disconnectedByServer(nil, reasonString: nil))
            }
            connecting.connAck = waiter
            connecting.connAckTimeout = timeout
            become(.connecting(connecting))
        }

        /// The CONNACK timeout fired: the channel to close, if the attempt still waits.
        mutating func connAckTimedOut(connection: Int) -> (any Channel)? {
            guard case var .connecting(connecting) = state, connecting.connection == connection,
                  connecting.connAck != nil else { return nil }
            connecting.closeReason = connecting.closeReason ?? .connectTimeout
            become(.connecting(connecting))
            return connecting.channel
        }

        enum ConnAckAction {
            /// The session is up: start keep-alive, restore the session, then resume the waiter.
            case connected(CheckedContinuation<MQTTConnectionInfo, any Error>)
            /// Refused: close the channel; the waiter learns why when it closes.
            case refused(any Channel)
            /// CONNACK outside the handshake.
            case unexpected
        }

        /// A CONNACK arrived; `info` is what it grants, `refusal` why it refused.
        mutating func connAckReceived(_ info: MQTTConnectionInfo, refusal: MQTTClientError?, now: NIODeadline,
                                      keepAlive: TimeAmount) -> ConnAckAction {
            guard case var .connecting(connecting) = state, let waiter = connecting.connAck,
                  let channel = connecting.channel else { return .unexpected }
            connecting.connAckTimeout?.cancel()
            connecting.connAckTimeout = nil
            if let refusal {
                connecting.closeReason = connecting.closeReason ?? refusal
                become(.connecting(connecting))
                return .refused(channel)
            }
            if negotiates { negotiatedVersion = connecting.version }
            become(.connected(Connected(
                connection: connecting.connection, version: connecting.version, channel: channel, info: info, since: now,
                keepAlive: KeepAlive(interval: keepAlive, lastSend: now), closeReason: connecting.closeReason)))
            return .connected(waiter)
        }

        mutating func keepAliveStarted(_ task: RepeatedTask?) {
            modifyConnected { $0.keepAlive.task = task }
        }

        // MARK: While connected

        /// Something was written: keep-alive counts quiet time from here.
        mutating func sent(at now: NIODeadline) {
            modifyConnected { $0.keepAlive.lastSend = now }
        }

        mutating func pingAnswered() {
            modifyConnected { $0.keepAlive.pingSentAt = nil }
        }

        enum KeepAliveAction: Equatable {
            case none
            case ping
            /// The ping went unanswered: close the channel.
            case timedOut
        }

        /// Pings when we have been quiet for most of the keep alive; gives up when the ping goes
        /// unanswered for the keep alive (at most 30 s, at least 2 s) while reading.
        mutating func keepAliveTick(connection: Int, now: NIODeadline) -> KeepAliveAction {
            modifyConnected { connected -> KeepAliveAction in
                guard connected.connection == connection else { return .none }
                var keepAlive = connected.keepAlive
                let interval = keepAlive.interval
                guard interval > .zero else { return .none }
                if let sent = keepAlive.pingSentAt, !keepAlive.readingPaused {
                    let timeout = max(.seconds(2), min(interval, .seconds(30)))
                    guard now - sent > timeout else { return .none }
                    connected.closeReason = connected.closeReason ?? .keepAliveTimeout
                    return .timedOut
                }
                guard now - keepAlive.lastSend >= .nanoseconds(interval.nanoseconds * 3 / 4) else { return .none }
                // With reading paused an earlier PINGRESP may be unseen (its wait starts again when
                // reading does); the broker must still hear from us within its keep alive.
                if keepAlive.pingSentAt == nil { keepAlive.pingSentAt = now }
                connected.keepAlive = keepAlive
                return .ping
            } ?? .none
        }

        /// Reading paused or resumed; returns the channel to apply it to.
        mutating func readingChanged(to on: Bool, now: NIODeadline) -> (any Channel)? {
            modifyConnected { connected in
                connected.keepAlive.readingPaused = !on
                // The wait for an answer starts again when it can be read.
                if on, connected.keepAlive.pingSentAt != nil { connected.keepAlive.pingSentAt = now }
            }
            return channel
        }

        /// Resolves an incoming topic alias: the topic, or the reason code to close with.
        mutating func resolveAlias(_ alias: UInt16, topic: String, maximum: UInt16) -> Result<String, AliasProblem> {
            guard alias <= maximum else { return .failure(.aboveMaximum(alias)) }
            return modifyConnected { connected -> Result<String, AliasProblem> in
                if topic.isEmpty {
                    guard let known = connected.aliases[alias] else { return .failure(.unknown(alias)) }
                    return .success(known)
                }
                connected.aliases[alias] = topic
                return .success(topic)
            } ?? .failure(.unknown(alias))
        }

        enum AliasProblem: Error, Equatable {
            case aboveMaximum(UInt16)
            case unknown(UInt16)
        }

        /// Records why the current channel is closing; the first reason stands, except that a
        /// TLS failure explains a reset the peer sent because of it.
        mutating func recordFailure(_ error: MQTTClientError, connection: Int? = nil) {
            if let connection, !isCurrent(connection) { return }
            func merge(_ reason: MQTTClientError?) -> MQTTClientError {
                if case .tls = error, case .connectionFailed? = reason { return error }
                return reason ?? error
            }
            switch state {
            case var .connecting(connecting):
                connecting.closeReason = merge(connecting.closeReason)
                become(.connecting(connecting))
            case .connected:
                modifyConnected { $0.closeReason = merge($0.closeReason) }
            default:
                break
            }
        }

        // MARK: Losing the connection

        enum ClosedAction {
            case none
            /// The attempt failed before CONNACK: resume its waiter with the error.
            case failAttempt(CheckedContinuation<MQTTConnectionInfo, any Error>?, MQTTClientError)
            /// Wait `delay`, then try again (attempt number `attempt`).
            case reconnect(delay: Duration, attempt: Int, error: MQTTClientError)
            /// Closed for good: fail what waits, end the events.
            case closeForGood(MQTTClientError)
        }

        /// The channel of `connection` closed.
        mutating func channelClosed(connection: Int, now: NIODeadline) -> ClosedAction {
            guard isCurrent(connection) else { return .none }
            switch state {
            case var .connecting(connecting):
                connecting.connAckTimeout?.cancel()
                let waiter = connecting.connAck
                let error = connecting.closeReason ?? .disconnectedByServer(nil, reasonString: nil)
                connecting.connAck = nil
                connecting.connAckTimeout = nil
                connecting.channel = nil
                connecting.lost = true
                become(.connecting(connecting))
                return .failAttempt(waiter, error)
            case let .connected(connected):
                connected.keepAlive.task?.cancel()
                let error = connected.closeReason ?? .disconnectedByServer(nil, reasonString: nil)
                // Backoff starts over only after a connection that stayed up: one that fails soon
                // after its CONNACK (a bad packet every time) keeps growing the delay.
                if now - connected.since >= Self.healthyConnection { failedAttempts = 0 }
                return retryOrClose(after: error)
            default:
                return .none
            }
        }

        /// Attempt number `attempt` failed; `reconnecting` says whether it was a retry (which
        /// retries again) or a `connect()` (which gives up). Nothing when it is no longer current.
        mutating func attemptFailed(_ error: MQTTClientError, attempt: Int, reconnecting: Bool) -> ClosedAction {
            guard case let .connecting(connecting) = state, connecting.attempt == attempt else { return .none }
            guard reconnecting else {
                become(.closed(error))
                return .closeForGood(error)
            }
            return retryOrClose(after: error)
        }

        private mutating func retryOrClose(after error: MQTTClientError) -> ClosedAction {
            guard reconnect.enabled else {
                become(.closed(error))
                return .closeForGood(error)
            }
            failedAttempts += 1
            let delay = reconnect.delay(forAttempt: failedAttempts)
            become(.reconnecting(Reconnecting(attempt: failedAttempts, delay: delay, lastError: error)))
            return .reconnect(delay: delay, attempt: failedAttempts, error: error)
        }

        mutating func reconnectScheduled(_ timer: Scheduled<Void>) {
            guard case var .reconnecting(waiting) = state else { return timer.cancel() }
            waiting.timer = timer
            become(.reconnecting(waiting))
        }

        struct CloseAction {
            /// The channel to close, if one is open.
            var channel: (any Channel)?
            /// Connected: say DISCONNECT first.
            var sayDisconnect: Bool
            /// A connection attempt that waited for CONNACK, to end with `.closed`.
            var connAck: CheckedContinuation<MQTTConnectionInfo, any Error>?
        }

        /// The user closes the client: everything stops now.
        mutating func closeRequested() -> CloseAction {
            var action = CloseAction(channel: nil, sayDisconnect: false, connAck: nil)
            switch state {
            case let .connecting(connecting):
                connecting.connAckTimeout?.cancel()
                action.channel = connecting.channel
                action.connAck = connecting.connAck
            case let .connected(connected):
                connected.keepAlive.task?.cancel()
                action.channel = connected.channel
                action.sayDisconnect = true
            case let .reconnecting(waiting):
                waiting.timer?.cancel()
            case .idle, .closed:
                break
            }
            become(.closed(nil))
            return action
        }

        // MARK: Changing state

        /// Enters `new`, and updates what the per-packet path reads.
        private mutating func become(_ new: State) {
            state = new
            switch new {
            case let .connecting(connecting):
                (currentConnection, isAwaitingConnAck, channel, version) = (connecting.connection, true, connecting.channel, connecting.version)
            case let .connected(connected):
                (currentConnection, isAwaitingConnAck, channel, version) = (connected.connection, false, connected.channel, connected.version)
            case .idle, .reconnecting, .closed:
                (currentConnection, isAwaitingConnAck, channel, version) = (0, false, nil, nil)
            }
        }

        // MARK: Changing a payload in place

        /// Runs `body` on the connected payload without copying it; nil when not connected.
        private mutating func modifyConnected<Result>(_ body: (inout Connected) -> Result) -> Result? {
            guard case var .connected(connected) = state else { return nil }
            // `.idle` holds the place while the payload is changed, so the payload is not copied;
            // nothing reads the state meanwhile, and the cached fields stay as they are.
            state = .idle
            defer { state = .connected(connected) }
            return body(&connected)
        }
    }
}
