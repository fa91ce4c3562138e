import Foundation
import MQTT
import NIOCore

/// The broker's state (sessions, subscriptions, retained messages, counters) and its routing.
///
/// Confined to the broker's one event loop: connections call it directly, timers run there.
final class BrokerCore {
    let configuration: BrokerConfiguration
    let eventLoop: any EventLoop
    private var sessions: [String: BrokerSession] = [:]
    /// Every session's subscriptions, by filter: routing walks it with the topic.
    private let subscriptions = TopicTrie<Subscribers>()
    let retained: RetainedStore
    /// Where retained changes go to be saved (`persistencePath`), off this loop.
    let persistence: RetainedPersistence?
    private var statistics = BrokerStatistics()
    private var pendingFlush: [BrokerConnection] = []
    /// 5.0 wills waiting out their Will Delay Interval, by client ID; a reconnect cancels them.
    private var delayedWills: [String: (task: Scheduled<Void>, packet: PublishPacket)] = [:]
    private let started = Date()
    private var assignedIDs = 0

    init(configuration: BrokerConfiguration, eventLoop: any EventLoop, retained: RetainedStore, persistence: RetainedPersistence? = nil) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.retained = retained
        self.persistence = persistence
    }


    // MARK: Connecting

    /// Answers CONNECT; returns the client's session, or nil when it was refused (the CONNACK says why).
    func connect(_ connect: ConnectPacket, connection: BrokerConnection) -> BrokerSession? {
        func refuse(_ code: MQTTReasonCode) -> BrokerSession? {
            connection.send(.connack(ConnAckPacket(reasonCode: code)))
            return nil
        }
        if let users = configuration.users {
            guard let user = connect.username, let password = connect.password,
                  users[user] == String(decoding: password, as: UTF8.self) else { return refuse(.badUsernameOrPassword) }
        }
        var clientID = connect.clientID
        var properties: MQTTProperties = []
        if clientID.isEmpty {
            // 3.1.1 only assigns an id to a clean session [MQTT-3.1.3-8].
            if connect.version == .v311, !connect.cleanStart { return refuse(.clientIdentifierNotValid) }
            assignedIDs += 1
            clientID = "hearth-broker-\(assignedIDs)"
            if connect.version == .v5 { properties.append(.assignedClientIdentifier(clientID)) }
        }
        let expiry = connect.properties.sessionExpiryInterval ?? 0
        let persistent = connect.version == .v311 ? !connect.cleanStart : expiry > 0

        var sessionPresent = false
        // Back within its will delay on the same session: the will is not sent [MQTT-3.1.3-9].
        // A clean start ends that session, so its will is due now.
        if let pending = delayedWills.removeValue(forKey: clientID) {
            pending.task.cancel()
            if connect.cleanStart { route(pending.packet, from: nil) }
        }
        if let existing = sessions[clientID] {
            existing.expiryTimer?.cancel()
            existing.expiryTimer = nil
            if let old = existing.connection {
                // Session take-over: the older connection goes. Its will goes out at once unless
                // it has a delay and the session goes on (the client is back within the delay).
                existing.connection = nil
                if let will = old.will, connect.cleanStart || !existing.isPersistent || (will.properties.willDelayInterval ?? 0) == 0 {
                    publishWill(will)
                }
                old.will = nil
                old.close(reason: .sessionTakenOver)
            }
            if connect.cleanStart || !existing.isPersistent {
                discard(existing)
            } else {
                sessionPresent = true
            }
        }
        let session = sessions[clientID] ?? BrokerSession(clientID: clientID, version: connect.version, isPersistent: persistent,
                                                          inflightLimit: configuration.maximumInflight)
        session.version = connect.version
        session.isPersistent = persistent
        session.expiryInterval = connect.version == .v5 ? expiry : nil
        session.connection = connection
        let receiveMaximum = connect.properties.receiveMaximum.map(Int.init) ?? Int(UInt16.max)
        session.inflightLimit = min(configuration.maximumInflight, receiveMaximum)
        session.maximumPacketSize = connect.properties.maximumPacketSize.map(Int.init)
        sessions[clientID] = session

        if connect.version == .v5 {
            properties.append(.maximumPacketSize(UInt32(configuration.maximumPacketSize)))
            if configuration.topicAliasMaximum > 0 { properties.append(.topicAliasMaximum(configuration.topicAliasMaximum)) }
            properties.append(.receiveMaximum(configuration.effectiveReceiveMaximum))
        }
        connection.send(.connack(ConnAckPacket(sessionPresent: sessionPresent, properties: properties)))
        if sessionPresent { resume(session) }
        return session
    }

    /// Resends what was in flight (DUP, or PUBREL past PUBREC), then what was queued.
    private func resume(_ session: BrokerSession) {
        guard let connection = session.connection else { return }
        for (id, entry) in session.inflight.sorted(by: { $0.key < $1.key }) {
            if entry.released {
                connection.send(.publishAck(PublishAckPacket(.pubrel, packetID: id)))
            } else {
                var packet = entry.packet
                packet.dup = true
                // Now larger than this connection accepts: dropped as if sent [MQTT-3.1.2-25].
                if !connection.send(.publish(packet)), connection.isOpen {
                    session.inflight[id] = nil
                    statistics.messagesDropped += 1
                }
            }
        }
        drain(session)
    }

    func disconnected(_ connection: BrokerConnection) {
        // A connection that lost its session to a take-over has nothing left to end.
        guard let session = connection.session, session.connection === connection else { return }
        session.connection = nil
        let expiry = session.expiryInterval.map { session.isPersistent ? $0 : 0 }
        // The will waits out its delay, or the session's end if that comes first [MQTT-3.1.3-9].
        if let will = connection.will { publishWill(will, clientID: session.clientID, sessionEnd: expiry) }
        if !session.isPersistent {
            discard(session)
        } else if let expiry, expiry != UInt32.max {
            scheduleExpiry(of: session, in: expiry)
        }
        // Not inside a read burst, so nothing else would flush what the will sent.
        flush()
    }

    /// Ends a 5.0 session `seconds` after its connection went, unless the client comes back.
    private func scheduleExpiry(of session: BrokerSession, in seconds: UInt32) {
        let core = NIOLoopBound(self, eventLoop: eventLoop)
        let expiring = NIOLoopBound(session, eventLoop: eventLoop)
        let clientID = session.clientID
        session.expiryTimer = eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
            let core = core.value
            guard let current = core.sessions[clientID], current === expiring.value, current.connection == nil else { return }
            core.discard(current)
        }
    }

    /// Publishes a will, at once or (5.0) after its Will Delay Interval, or when the session
    /// ends (`sessionEnd` seconds from now) if that is sooner, unless the client comes back.
    private func publishWill(_ will: MQTTWill, clientID: String? = nil, sessionEnd: UInt32? = nil) {
        var properties = will.properties
        let delay = min(properties.willDelayInterval ?? 0, sessionEnd ?? UInt32.max)
        properties.remove(.willDelayInterval)  // a will property, not one of the message
        let packet = PublishPacket(topic: will.topic, payload: will.payload, qos: will.qos, retain: will.retain, properties: properties)
        guard delay > 0, let clientID else { return route(packet, from: nil) }
        let core = NIOLoopBound(self, eventLoop: eventLoop)
        let task = eventLoop.scheduleTask(in: .seconds(Int64(delay))) {
            core.value.delayedWills[clientID] = nil
            core.value.route(packet, from: nil)
            core.value.flush()
        }
        delayedWills[clientID] = (task, packet)
    }

    // MARK: Subscribing

    /// Filters one SUBSCRIBE may hold; the rest are refused (quota exceeded).
    static let maximumFiltersPerSubscribe = 10_000
    /// Retained messages sent per turn of the event loop, so that other clients keep theirs.
    static let retainedSlice = 500

    func subscribe(_ subscribe: SubscribePacket, session: BrokerSession, connection: BrokerConnection) {
        var codes: [MQTTReasonCode] = []
        var retainedFor: [Subscribers.Entry] = []
        let refused: MQTTReasonCode = session.version == .v5 ? .topicFilterInvalid : .unspecifiedError
        // 5.0: one identifier for every filter of the SUBSCRIBE, sent with what they deliver;
        // more than one is a protocol error (§3.8.2.1.2).
        let identifiers = session.version == .v5 ? subscribe.properties.subscriptionIdentifiers : []
        guard identifiers.count <= 1 else { return connection.close(reason: .protocolError) }
        let identifier = identifiers.first
        for (index, var subscription) in subscribe.subscriptions.enumerated() {
            if index >= Self.maximumFiltersPerSubscribe {
                codes.append(session.version == .v5 ? .quotaExceeded : .unspecifiedError)
                continue
            }
            guard MQTTTopic.filterProblem(subscription.filter) == nil, let parsed = SubscribedFilter(subscription.filter),
                  MQTTTopic.filterProblem(parsed.filter) == nil,
                  MQTTTopic.levelCount(parsed.filter) <= configuration.maximumTopicLevels else {
                codes.append(refused)
                continue
            }
            if parsed.group != nil, subscription.noLocal {
                // [MQTT-3.8.3-4]
                return connection.close(reason: .protocolError)
            }
            if session.version == .v311 {
                // 3.1.1 has no subscription options: live forwards lose the retain flag [MQTT-3.3.1-9].
                subscription.noLocal = false
                subscription.retainAsPublished = false
                subscription.retainHandling = .sendAlways
            }
            let entry = Subscribers.Entry(subscription: subscription, identifier: identifier)
            let existed = session.subscriptions[subscription.filter] != nil
            session.subscriptions[subscription.filter] = entry
            subscriptions.update(parsed.filter) { subscribers in
                var all = subscribers ?? Subscribers()
                if let group = parsed.group {
                    let members = all.shared[group] ?? SharedGroup()
                    members.set(session.clientID, entry)
                    all.shared[group] = members
                } else {
                    all.direct[session.clientID] = entry
                }
                subscribers = all
            }
            codes.append(MQTTReasonCode(rawValue: subscription.qos.rawValue))
            // A shared subscription gets no retained messages (§4.8.2).
            if parsed.group == nil, subscription.retainHandling == .sendAlways || (subscription.retainHandling == .sendIfNew && !existed) {
                retainedFor.append(entry)
            }
        }
        connection.send(.subscriptionAck(SubscriptionAckPacket(.suback, packetID: subscribe.packetID, reasonCodes: codes)))
        sendRetained(for: retainedFor[...], pending: [], to: session)
    }

    /// Sends the retained messages of new subscriptions a slice at a time, each slice in its own
    /// turn of the event loop: a SUBSCRIBE that matches 100,000 retained messages does not hold
    /// every other client until it is served. It stops when the connection ends or the
    /// subscription goes, and waits while the client's socket is backed up (QoS 0 messages are
    /// otherwise dropped for a slow reader).
    private func sendRetained(for filters: ArraySlice<Subscribers.Entry>, pending: ArraySlice<(PublishPacket, Subscribers.Entry)>,
                              to session: BrokerSession) {
        guard let connection = session.connection, connection.isOpen else { return }
        var filters = filters, pending = pending
        var sent = 0
        while sent < Self.retainedSlice, connection.isWritable {
            if let (message, entry) = pending.popFirst() {
                guard session.subscriptions[entry.subscription.filter] != nil else { continue }
                // Messages sent because of a new subscription carry RETAIN=1 [MQTT-3.3.1-8].
                deliver(message, qos: min(message.qos, entry.subscription.qos), retain: true, identifiers: entry.identifier.map { [$0] } ?? [],
                        to: session)
                sent += 1
            } else if let entry = filters.popFirst() {
                pending = retained.matching(entry.subscription.filter).map { ($0, entry) }[...]
            } else {
                return
            }
        }
        let core = NIOLoopBound(self, eventLoop: eventLoop)
        let target = NIOLoopBound((session, connection), eventLoop: eventLoop)
        let rest = NIOLoopBound((filters, pending), eventLoop: eventLoop)
        let next: @Sendable () -> Void = {
            let (session, connection) = target.value
            // Only for the connection that asked: a session that ended or moved gets no more.
            guard core.value.sessions[session.clientID] === session, session.connection === connection else { return }
            core.value.sendRetained(for: rest.value.0, pending: rest.value.1, to: session)
            core.value.flush()
        }
        flush()
        if connection.isWritable {
            eventLoop.execute(next)
        } else {
            eventLoop.scheduleTask(in: .milliseconds(10), next)
        }
    }

    func unsubscribe(_ filters: [String], session: BrokerSession) -> [MQTTReasonCode] {
        filters.map { filter in
            guard session.subscriptions.removeValue(forKey: filter) != nil else { return .noSubscriptionExisted }
            forget(filter, of: session)
            return .success
        }
    }

    private func forget(_ text: String, of session: BrokerSession) {
        guard let parsed = SubscribedFilter(text) else { return }
        subscriptions.update(parsed.filter) { subscribers in
            guard var all = subscribers else { return }
            if let group = parsed.group {
                all.shared[group]?.remove(session.clientID)
                if all.shared[group]?.members.isEmpty == true { all.shared[group] = nil }
            } else {
                all.direct[session.clientID] = nil
            }
            subscribers = all.isEmpty ? nil : all
        }
    }

    /// Ends a session: its subscriptions go with it.
    private func discard(_ session: BrokerSession) {
        guard sessions[session.clientID] === session else { return }
        sessions[session.clientID] = nil
        for filter in session.subscriptions.keys { forget(filter, of: session) }
    }

    // MARK: Routing

    /// Stores a retained message (or clears one), then sends the message to every matching
    /// session: one copy each, at the highest QoS its matching subscriptions grant.
    func route(_ packet: PublishPacket, from publisher: BrokerSession?) {
        if publisher != nil { statistics.messagesReceived += 1 }
        if packet.retain, retained.apply(packet) { persistence?.changed(packet) }
        // One copy per session, at the highest QoS its subscriptions grant, with each of their
        // identifiers; and one per shared group, to the member whose turn it is.
        var matched: [String: (subscription: MQTTSubscription, identifiers: [Int])] = [:]
        var picked: [(clientID: String, entry: Subscribers.Entry)] = []
        subscriptions.forEachFilter(matching: packet.topic) { subscribers in
            for (clientID, entry) in subscribers.direct {
                let identifiers = entry.identifier.map { [$0] } ?? []
                if var chosen = matched[clientID] {
                    chosen.subscription.qos = max(chosen.subscription.qos, entry.subscription.qos)
                    chosen.subscription.retainAsPublished = chosen.subscription.retainAsPublished || entry.subscription.retainAsPublished
                    chosen.identifiers += identifiers
                    matched[clientID] = chosen
                } else {
                    matched[clientID] = (entry.subscription, identifiers)
                }
            }
            for group in subscribers.shared.values {
                if let member = group.pick(isConnected: { sessions[$0]?.connection != nil }) { picked.append(member) }
            }
        }
        for (clientID, chosen) in matched {
            guard let session = sessions[clientID] else { continue }
            if chosen.subscription.noLocal, session === publisher { continue }
            deliver(packet, qos: min(packet.qos, chosen.subscription.qos), retain: chosen.subscription.retainAsPublished && packet.retain,
                    identifiers: chosen.identifiers, to: session)
        }
        for (clientID, entry) in picked {
            guard let session = sessions[clientID] else { continue }
            deliver(packet, qos: min(packet.qos, entry.subscription.qos), retain: entry.subscription.retainAsPublished && packet.retain,
                    identifiers: entry.identifier.map { [$0] } ?? [], to: session)
        }
    }

    private func deliver(_ message: PublishPacket, qos: MQTTQoS, retain: Bool, identifiers: [Int] = [], to session: BrokerSession) {
        var properties: MQTTProperties = session.version == .v5 ? message.properties : []
        // The identifiers of the subscriptions it matches, and no one else's [MQTT-3.3.4-3].
        properties.remove(.subscriptionIdentifier)
        if session.version == .v5 { for identifier in identifiers { properties.append(.subscriptionIdentifier(identifier)) } }
        let packet = PublishPacket(topic: message.topic, payload: message.payload, qos: qos, retain: retain, properties: properties)
        if qos == .atMostOnce {
            // QoS 0 is not queued: a client whose socket is backed up misses it, and that is counted.
            guard let connection = session.connection else { return }
            if connection.isWritable, connection.send(.publish(packet)) {
                statistics.messagesSent += 1
            } else {
                statistics.messagesDropped += 1
            }
            return
        }
        if let connection = session.connection, session.inflight.count < session.inflightLimit, session.queue.isEmpty {
            sendInFlight(packet, to: session, over: connection)
        } else if session.queue.count < configuration.maximumQueuedMessages {
            session.queue.append(BrokerMessage(packet))
        } else {
            statistics.messagesDropped += 1
        }
    }

    /// Sends queued QoS 1/2 messages while the in-flight window has room.
    private func drain(_ session: BrokerSession) {
        guard let connection = session.connection else { return }
        while session.inflight.count < session.inflightLimit, let message = session.queue.popFirst() {
            // A message that expired while it waited is not sent.
            guard let packet = message.forwarded() else { continue }
            sendInFlight(packet, to: session, over: connection)
        }
    }

    /// Sends a QoS 1/2 message under a fresh packet id, kept until the client acknowledges it.
    private func sendInFlight(_ packet: PublishPacket, to session: BrokerSession, over connection: BrokerConnection) {
        var packet = packet
        let id = session.allocatePacketID()
        packet.packetID = id
        session.inflight[id] = (packet, false)
        if connection.send(.publish(packet)) {
            statistics.messagesSent += 1
        } else if connection.isOpen {
            // Larger than the client accepts: dropped as if it had been sent, so it does not
            // hold an in-flight slot for ever [MQTT-3.1.2-25]. (On a closing connection it
            // stays in flight, for the session's next connection.)
            session.inflight[id] = nil
            statistics.messagesDropped += 1
        }
    }

    /// PUBACK or PUBCOMP: the flow is done.
    func acknowledged(_ id: UInt16, session: BrokerSession) {
        session.inflight[id] = nil
        drain(session)
    }

    /// PUBREC: the message arrived; PUBREL goes next (the connection sends it).
    func released(_ id: UInt16, session: BrokerSession) {
        session.inflight[id]?.released = true
    }

    // MARK: Flushing, $SYS, persistence

    func needsFlush(_ connection: BrokerConnection) { pendingFlush.append(connection) }

    func flush() {
        let pending = pendingFlush
        pendingFlush.removeAll(keepingCapacity: true)
        for connection in pending { connection.flush() }
    }

    var currentStatistics: BrokerStatistics {
        var snapshot = statistics
        snapshot.clientsConnected = sessions.values.filter { $0.connection != nil }.count
        snapshot.sessions = sessions.count
        snapshot.retainedMessages = retained.userCount
        snapshot.uptimeSeconds = Int(Date().timeIntervalSince(started))
        snapshot.delayedWills = delayedWills.count
        return snapshot
    }

    /// Publishes the counters as retained `$SYS/broker/...` messages, as mosquitto does.
    func publishSys() {
        let stats = currentStatistics
        let values: [(String, String)] = [
            ("version", "hearth broker"),
            ("uptime", "\(stats.uptimeSeconds) seconds"),
            ("clients/connected", "\(stats.clientsConnected)"),
            ("clients/total", "\(stats.sessions)"),
            ("messages/received", "\(stats.messagesReceived)"),
            ("messages/sent", "\(stats.messagesSent)"),
            ("retained messages/count", "\(stats.retainedMessages)"),
            ("publish/messages/dropped", "\(stats.messagesDropped)"),
        ]
        for (name, value) in values {
            route(PublishPacket(topic: "$SYS/broker/\(name)", payload: Array(value.utf8), retain: true), from: nil)
        }
        flush()
    }

    /// Closes every client (the broker is stopping).
    func closeAll() {
        for session in sessions.values { session.connection?.close(reason: .serverShuttingDown) }
    }
}
