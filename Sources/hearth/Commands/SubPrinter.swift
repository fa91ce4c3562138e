import Foundation
import HearthKit
import MQTT
import Synchronization

/// What `hearth sub` does with each message, for one broker: print it (or skip it), clear it
/// with --remove-retained, and end at the count, the time limit or the end of the retained burst.
struct SubPrinter: Sendable {
    let format: MessageFormat
    let newline: Bool
    let pretty: Bool
    let count: Int?
    let timeout: Double?
    let retainedOnly: Bool
    let skipRetained: Bool
    let hidden: [String]
    let removeRetained: Bool

    /// Prints until the count, the time limit or the end of the retained burst; returns why the
    /// connection closed, if it did on its own.
    ///
    /// With several brokers, `broker` names the one it prints (each line says so) and `sharing`
    /// is the lock the brokers' printers write whole lines under.
    func print(from client: MQTTClient, broker: String? = nil, sharing stdout: SharedOutput? = nil) async -> MQTTClientError? {
        let deadline = CollectionDeadline(limit: timeout.map { .milliseconds(Int($0 * 1000)) },
                                          quiet: retainedOnly ? .milliseconds(500) : nil, clock: ContinuousClock())
        var output = OutputWriter(fd: STDOUT_FILENO)
        output.flushesWhenFull = stdout == nil
        let formatter = MessageFormatter(format: format, escape: output.isTerminal, newline: newline, pretty: pretty, broker: broker)
        var printed = 0
        // With several brokers, a reconnect says whose.
        var report = ConnectionReport(broker: broker)
        let limit = count
        var clearing: [Task<Void, Never>] = []
        await client.disconnecting(when: { await deadline.wait() }) {
            loop: for await batch in client.events.batches {
                // Once per batch, not per message: the quiet period is half a second.
                if batch.contains(where: { if case .message = $0 { true } else { false } }) { deadline.messageArrived() }
                for event in batch {
                    switch event {
                    case let .message(message):
                        if retainedOnly, !message.retain { break loop }
                        if skipRetained, message.retain { continue }
                        if !hidden.isEmpty, hidden.contains(where: { MQTTTopic.matches(filter: $0, topic: message.topic) }) { continue }
                        // As mosquitto_sub: at QoS 1, for what is shown (and -R would skip it first),
                        // without waiting in the loop; the acknowledgements are awaited at the end.
                        if removeRetained, message.retain, !message.payload.isEmpty {
                            clearing.append(Task { try? await client.publish(to: message.topic, payload: [], qos: .atLeastOnce, retain: true) })
                        }
                        if !formatter.write(message, to: &output) {
                            Diagnostics.warn("message payload is not valid JSON on topic \(message.topic)")
                        }
                        printed += 1
                        if let stdout, output.isFull { stdout.flush(&output) }
                        if let limit, printed >= limit { break loop }
                    case .messagesDropped, .resubscribing, .subscriptionsRestored:
                        // Never dropped: `ConnectionOptions` reads with `.pauseReading`, which waits instead.
                        // The burst after a resubscribe prints like any other message.
                        break
                    case let .connectionState(state):
                        report.note(state)
                    }
                }
                if let stdout { stdout.flush(&output) } else { output.flush() }
            }
            // The clears sent go out before the DISCONNECT, acknowledged or not.
            for task in clearing { await task.value }
        }
        if let stdout { stdout.flush(&output) } else { output.flush() }
        return report.failure
    }
}

/// The lock the printers of several brokers write their whole lines under, so lines never mix.
final class SharedOutput: Sendable {
    private let lock = Mutex(())

    func flush(_ output: inout OutputWriter) {
        lock.withLock { _ in output.flush() }
    }
}
