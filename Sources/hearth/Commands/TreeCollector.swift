import Foundation
import HearthKit
import MQTT

/// How `hearth tree` collects one broker's messages into the model: until the count, the time
/// limit (-W), or the settled answer to the subscription.
struct TreeCollector: Sendable {
    let count: Int?
    let timeout: Double?

    /// The longest the default run waits for the retained burst to settle: a broker whose
    /// devices republish retained values (seen as retained, with retain-as-published) more than
    /// twice a second never goes quiet.
    static let settleLimit = 10.0

    /// Without a count or a time limit, the run ends when the answer to the subscription settles.
    private var settling: Bool { count == nil && timeout == nil }

    /// When collecting ends: the time limit, or the settled answer (at most `settleLimit`).
    ///
    /// The burst settles when the subscription's answer stops: the first retained message of
    /// each topic. A chatty live topic, retained or not, does not hold it.
    func deadline() -> CollectionDeadline<ContinuousClock> {
        let limit = (timeout ?? (settling ? Self.settleLimit : nil)).map { Duration.milliseconds(Int($0 * 1000)) }
        return CollectionDeadline(limit: limit, quiet: settling ? .milliseconds(500) : nil, clock: ContinuousClock())
    }

    /// Ingests until the count, the time limit or the settled burst; returns why the connection
    /// closed, if it did on its own.
    /// `name` is the broker's, with several (a reconnect says whose).
    func collect(from client: MQTTClient, into model: SharedModel, broker: Int = 0, name: String? = nil) async -> MQTTClientError? {
        let deadline = deadline()
        var report = ConnectionReport(broker: name)
        var answers = 0
        await client.disconnecting(when: { await deadline.wait() }) {
            await model.feed(client.events.batches, broker: broker, limit: count) { news in
                switch news {
                case .ingested:
                    // A reconnect burst settles before the deadline may end the run.
                    let now = Date().timeIntervalSince1970
                    let (answered, due) = model.withModel { model -> (Int, Double?) in
                        guard model.reconciliationDeadline != nil else { return (model.retainedAnswers(ofBroker: broker), nil) }
                        model.refresh(now: now)
                        return (model.retainedAnswers(ofBroker: broker), model.reconciliationDeadline)
                    }
                    if answered != answers { deadline.messageArrived() }
                    answers = answered
                    if let due {
                        deadline.hold(for: .milliseconds(Int(max(0, due - now) * 1000) + 50))
                    }
                case let .connection(state, _, _):
                    report.note(state)
                case .dropped:
                    // Never: `ConnectionOptions` reads with `.pauseReading`, which waits instead.
                    break
                }
            }
        }
        if settling, deadline.sinceLastMessage < .milliseconds(500) {
            Diagnostics.warn("retained messages were still arriving after \(Int(Self.settleLimit)) s; -W SECONDS collects longer")
        }
        return report.failure
    }
}
