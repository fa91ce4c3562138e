import Foundation
import MQTT
@testable import TopicModel

/// A message as the client would hand it over.
func msg(_ topic: String, _ payload: String, retain: Bool = false, qos: MQTTQoS = .atMostOnce,
         at time: Double = 1_800_000_000) -> MQTTMessage {
    MQTTMessage(topic: topic, payload: Array(payload.utf8), qos: qos, retain: retain,
                receivedAt: Date(timeIntervalSince1970: time))
}

extension TopicModel {
    func id(_ path: String) -> NodeID {
        guard let id = find(path) else { fatalError("no node \(path)") }
        return id
    }

    func record(_ path: String) -> TopicRecord? { topic(at: id(path)) }

    /// Every node expanded: the whole tree as rows.
    var everything: Set<NodeID> { Set((1..<nodes.count).map { NodeID(Int32($0)) }) }

    /// Full paths of rows, for readable assertions.
    func paths(_ rows: VisibleRows) -> [String] { rows.rows.map { path(of: $0.node) } }
}
