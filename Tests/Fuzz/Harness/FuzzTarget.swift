import Dashboard
import Foundation
import MQTT
import NIOCore
import TopicModel
import Watch
import TextFormat

/// The inputs Hearth takes from outside, one fuzz target each. Every target only has to return:
/// a crash, a trap, a leak or a hang is the finding.
enum FuzzTarget: String, CaseIterable {
    /// Packets as a broker or a client sends them, both protocol versions, split anywhere: the
    /// first byte picks the version and the read sizes.
    case packets
    /// Payloads through the topic model and onto the screen: numbers, JSON, states,
    /// availability, discovery configs.
    case payloads
    /// Text the terminal shows: escaping and cell widths.
    case text
    /// Keys as the terminal delivers them, bracketed paste included.
    case keys
    /// Theme files.
    case themes

    func run(_ bytes: [UInt8]) {
        switch self {
        case .packets: Self.packets(bytes)
        case .payloads: Self.payloads(bytes)
        case .text: Self.text(bytes)
        case .keys: Self.keys(bytes)
        case .themes: _ = try? ThemeLoader.parse(String(decoding: bytes, as: UTF8.self), source: "fuzz.toml")
        }
    }

    private static func packets(_ bytes: [UInt8]) {
        guard let control = bytes.first else { return }
        var decoder = MQTTFrameDecoder(version: control & 1 == 0 ? .v5 : .v311, maximumPacketSize: 1 << 20)
        let step = Int(control >> 1) + 1
        var offset = 1
        while offset < bytes.count {
            var chunk = ByteBuffer(bytes: bytes[offset..<min(bytes.count, offset + step)])
            offset += step
            decoder.append(&chunk)
            do {
                while let packet = try decoder.nextPacket() {
                    // What decodes must encode again (a client echoes, a broker forwards).
                    _ = try? packet.encoded(version: decoder.version)
                }
            } catch {
                return
            }
        }
    }

    private static func payloads(_ bytes: [UInt8]) {
        // topic NUL payload, repeated: the split makes topics and payloads from one input. With
        // the first byte's bit 6, two brokers take turns, and the second drops halfway.
        let brokers = (bytes.first ?? 0) & 64 != 0
        var model = TopicModel(brokers: brokers ? ["a", "b"] : [])
        // Rules read every payload: as text, as a JSON field, as a number, and as a change.
        var rules = RuleEngine(rules: Self.rules, brokers: brokers ? ["a", "b"] : ["a"])
        let parts = bytes.split(separator: 0, omittingEmptySubsequences: false)
        var time = 1_800_000_000.0
        for index in stride(from: 0, to: parts.count - 1, by: 2) {
            let topic = String(decoding: parts[index], as: UTF8.self)
            guard MQTTTopic.nameProblem(topic) == nil else { continue }
            time += 1
            if brokers, index == (parts.count / 4) * 2 {
                model.connectionLost(at: time, broker: 1)
                _ = rules.brokerDown(1, reason: "fuzz", now: time)
            }
            let node = model.ingest(MQTTMessage(topic: topic, payload: Array(parts[index + 1]), retain: index % 4 == 0,
                                                receivedAt: Date(timeIntervalSince1970: time)), broker: brokers ? index / 2 % 2 : 0)
            _ = rules.observe(node, in: model, now: time)
        }
        _ = rules.tick(&model, now: time + 3600)
        let rows = model.visibleRows(TreeQuery(expanded: Set(model.retainedTopics()), limit: 40))
        for row in rows.rows { _ = model.primaryReading(of: row.node) }
        _ = model.nextProblem(after: nil)
        _ = model.overview(of: .root, offset: 0, limit: 40)
        _ = NumberExtractor.numbers(in: bytes)
        _ = NumberExtractor.topLevelTexts(in: bytes)
        _ = DeviceState.of(bytes)
        // The screen a user sees of it, for one input in 32 (a frame costs far more than the
        // model, and the model's paths need the executions): the tree with its states and the
        // first topic's detail (its payload pretty-printed), or the overview.
        guard let first = bytes.first, first & 31 == 0 else { return }
        let connected = ConnectionStatus(broker: "fuzz", phase: .connected, version: "5.0")
        let down = ConnectionStatus(broker: "b", phase: .reconnecting(retryAt: time + 3605, lastError: "refused"), downSince: time)
        let controller = DashboardController(connection: connected, links: brokers ? [connected, down] : [], width: 120, height: 40)
        if first & 32 == 0 { _ = controller.handle(.down, model: model) }
        // The traffic order, with the first byte's top bit.
        if first & 128 != 0 { _ = controller.handle(.character("o")) }
        var canvas = MemoryCanvas(width: 120, height: 40)
        controller.ruleNames = rules.rules.map(\.name)
        // The rules view, with the first byte's bit 4.
        if first & 16 != 0 { _ = controller.handle(.character("a")) }
        DashboardView.draw(controller.makeFrame(model: model, rules: rules, now: time + 3600), on: &canvas)
    }

    /// One rule of each condition, over every topic; the numeric ones on a JSON field too.
    static let rules = [
        Rule(name: "stale", filter: "#", condition: .stale), Rule(name: "silent", filter: "#", condition: .silent(60)),
        Rule(name: "offline", filter: "#", condition: .offline), Rule(name: "gone", filter: "#", condition: .gone),
        Rule(name: "above", filter: "#", field: "a.0", condition: .above(1, clearAt: 0)), Rule(name: "below", filter: "#", condition: .below(0, clearAt: 1)),
        Rule(name: "changed", filter: "#", field: "b", condition: .changed), Rule(name: "equals", filter: "#", condition: .equals("open"), holdFor: 5),
    ]

    private static func text(_ bytes: [UInt8]) {
        let escaped = TerminalEscaping.escaped(bytes, keepNewlines: bytes.first == 1)
        let cells = DisplayWidth.of(escaped)
        _ = DisplayWidth.prefix(escaped, cells: cells / 2)
        _ = DisplayWidth.suffix(escaped, cells: cells / 3)
        _ = DisplayWidth.truncate(escaped, cells: max(0, cells - 1))
    }

    private static func keys(_ bytes: [UInt8]) {
        var assembler = PasteAssembler()
        var batch: [Key] = []
        var time = 0.0
        for byte in bytes {
            switch byte {
            case 0xF0: _ = assembler.assemble(batch, now: time); batch.removeAll()
            case 0xF1: time += 2  // a pause longer than the paste timeout
            case 0x1B: batch.append(.escape)
            case 0x03: batch.append(.control("c"))
            case 0x0D: batch.append(.enter)
            default: batch.append(.character(Character(Unicode.Scalar(byte))))
            }
        }
        _ = assembler.assemble(batch, now: time)
    }
}
