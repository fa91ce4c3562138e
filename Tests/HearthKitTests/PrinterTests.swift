import Foundation
import HearthKit
import MQTT
import Testing
import TopicModel

/// What `hearth sub` and `hearth tree` print, without a process: the printers write into a pipe.
@Suite(.timeLimit(.minutes(1)))
struct PrinterTests {
    /// Everything `body` writes through an `OutputWriter`.
    static func printed(_ body: (inout OutputWriter) -> Void) throws -> String {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CocoaError(.fileWriteUnknown) }
        var output = OutputWriter(fd: fds[1])
        body(&output)
        output.flush()
        close(fds[1])
        let data = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true).readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self)
    }

    static let received = Date(timeIntervalSince1970: 1_800_000_000.25)

    @Test func subPrintsPayloadsVerboseLinesAndJSON() throws {
        let text = MQTTMessage(topic: "home/door", payload: Array("closed".utf8), qos: .atLeastOnce, retain: true, receivedAt: Self.received)
        let binary = MQTTMessage(topic: "home/raw", payload: [0xff, 0x00], receivedAt: Self.received)
        #expect(try Self.printed { MessageFormatter(format: .payload, escape: false).write(text, to: &$0) } == "closed\n")
        #expect(try Self.printed { MessageFormatter(format: .verbose, escape: false).write(text, to: &$0) } == "home/door closed\n")
        #expect(MessageFormatter(format: .json, escape: false).json(text)
            == #"{"topic":"home/door","payload":"closed","qos":1,"retain":true,"dup":false,"received_at":"2027-01-15T08:00:00.250Z"}"#)
        #expect(MessageFormatter(format: .json, escape: false).json(binary).contains(#""payload":"/wA=","payload_encoding":"base64""#))
    }

    @Test func controlBytesFromTheBrokerAreEscapedOnATerminalAndInJSON() throws {
        let hostile = MQTTMessage(topic: "a\u{1B}[2J", payload: Array("x\u{1B}]0;pwned\u{07}".utf8), receivedAt: Self.received)
        let shown = try Self.printed { MessageFormatter(format: .verbose, escape: true).write(hostile, to: &$0) }
        #expect(!shown.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(MessageFormatter(format: .json, escape: false).json(hostile).contains(#"a\u001b[2J"#))
    }

    @Test func treePrintsCountsRetainedMarksAndValues() throws {
        var model = TopicModel()
        let now = Date().timeIntervalSince1970
        model.ingest(MQTTMessage(topic: "home/door", payload: Array("closed".utf8), retain: true, receivedAt: Date(timeIntervalSince1970: now)))
        model.ingest(MQTTMessage(topic: "home/hall/temperature", payload: Array("21.5".utf8), receivedAt: Date(timeIntervalSince1970: now)))
        let text = try Self.printed { TreePrinter(model: model, maxDepth: nil, retainedOnly: false, now: now).writeText(to: &$0) }
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "2 topics, 2 messages, 1 retained")
        #expect(lines.contains { $0.hasPrefix("    ├── door") && $0.contains("closed") })
        #expect(lines.contains { $0.contains("temperature") && $0.contains("= 21.5") })
        let json = try Self.printed { TreePrinter(model: model, maxDepth: nil, retainedOnly: true, now: now).writeJSON(to: &$0) }
        #expect(json.split(separator: "\n").count == 1 && json.contains(#""topic":"home/door""#) && json.contains(#""retained":true"#))
    }
}

/// What `hearth history` prints, and when it says a retained value changed.
@Suite(.timeLimit(.minutes(1)))
struct RecordFormatTests {
    static let fields: [(name: String, field: RecordFormat.Field)] = [
        ("time", .time(1_800_000_000)), ("payload", .text("say \"hi\"\u{1B}[2J")), ("retain", .flag(true)), ("value", .number(21.5)),
    ]

    @Test func eachFormatEscapesTextAsItNeeds() {
        #expect(RecordFormat.text.line(Self.fields).hasPrefix("2027-01-15T08:00:00.000Z say \"hi\""))
        #expect(!RecordFormat.text.line(Self.fields).contains("\u{1B}"))
        #expect(RecordFormat.csv.line(Self.fields).contains(#","say ""hi""#) && RecordFormat.csv.line(Self.fields).hasSuffix(",1,21.5\n"))
        #expect(RecordFormat.json.line(Self.fields)
            == #"{"time":"2027-01-15T08:00:00.000Z","payload":"say \"hi\"\u001b[2J","retain":true,"value":21.5}"# + "\n")
        #expect(RecordFormat.csv.header(["time", "value"]) == "time,value\n" && RecordFormat.json.header(["time"]) == nil)
    }
}

/// `hearth tree` says a device's state first, as the dashboard does.
@Suite(.timeLimit(.minutes(1)))
struct TreeStateTests {
    @Test func aLightsStateLeadsItsLineAndIsInTheJSON() throws {
        var model = TopicModel()
        model.ingest(MQTTMessage(topic: "zigbee2mqtt/lamp", payload: Array(#"{"brightness":180,"state":"OFF"}"#.utf8)))
        let printer = TreePrinter(model: model, maxDepth: nil, retainedOnly: false, now: Date().timeIntervalSince1970)
        let text = try PrinterTests.printed { printer.writeText(to: &$0) }
        #expect(text.contains("lamp  (1 msg)  OFF  = 180 [brightness]"), "\(text)")
        let json = try PrinterTests.printed { printer.writeJSON(to: &$0) }
        #expect(json.contains(#""state":"OFF","primary":"brightness""#), "\(json)")
    }
}

/// `hearth tree --sort rate -F json` and several brokers' trees, on fixtures with known rates.
@Suite(.timeLimit(.minutes(1)))
struct SortedTreePrinterTests {
    let now = 1_800_000_060.0

    /// Topics that each sent `perSecond` messages a second of `bytes` bytes for the last
    /// minute, ingested in time order as a client receives them.
    func steady(_ topics: [(topic: String, perSecond: Int, bytes: Int, broker: Int)], into model: inout TopicModel) {
        var messages: [(time: Double, index: Int)] = []
        for (index, topic) in topics.enumerated() {
            for count in 0..<(60 * topic.perSecond) {
                let time: Double = now - 60 + Double(count) / Double(topic.perSecond)
                messages.append((time, index))
            }
        }
        messages.sort { $0.time < $1.time }
        for (time, index) in messages {
            let topic = topics[index]
            let payload = [UInt8](repeating: UInt8(ascii: "1"), count: topic.bytes)
            model.ingest(MQTTMessage(topic: topic.topic, payload: payload, receivedAt: Date(timeIntervalSince1970: time)), broker: topic.broker)
        }
    }

    @Test func sortedByRateWithTheRatesInJSON() throws {
        var model = TopicModel()
        steady([("a/slow", 1, 4, 0), ("b/fast", 20, 4, 0), ("b/medium", 5, 100, 0)], into: &model)
        let lines = try PrinterTests.printed {
            TreePrinter(model: model, maxDepth: nil, retainedOnly: false, now: now, order: .messageRate).writeJSON(to: &$0)
        }.split(separator: "\n")
        #expect(lines.map { $0.firstMatch(of: /"topic":"([^"]+)"/)!.output.1 } == ["b/fast", "b/medium", "a/slow"], "\(lines)")
        #expect(lines[0].contains(#""rate_10s":20,"rate_1m":20,"bytes_1m":80"#), "\(lines[0])")
        #expect(lines[1].contains(#""rate_10s":5,"rate_1m":5,"bytes_1m":500"#), "\(lines[1])")
        #expect(lines[2].contains(#""rate_10s":1,"rate_1m":1,"bytes_1m":4"#), "\(lines[2])")
        // By bytes, the medium topic's larger payloads lead.
        let byBytes = try PrinterTests.printed {
            TreePrinter(model: model, maxDepth: nil, retainedOnly: false, now: now, order: .byteRate).writeJSON(to: &$0)
        }
        #expect(byBytes.hasPrefix(#"{"topic":"b/medium""#), "\(byBytes)")
        // The text tree: branches sum their topics, and the noisiest comes first.
        let text = try PrinterTests.printed {
            TreePrinter(model: model, maxDepth: 1, retainedOnly: false, now: now, order: .messageRate).writeText(to: &$0)
        }
        #expect(text.split(separator: "\n").dropFirst().map(String.init) == ["├── b  (2 topics, 1500 msgs)  25 msg/s", "└── a  (1 topic, 60 msgs)  1 msg/s"],
                "\(text)")
    }

    @Test func oneTreePerBrokerWithTheBrokerInJSON() throws {
        var model = TopicModel(brokers: ["home", "cabin"])
        steady([("hall/t", 1, 4, 0), ("stove/t", 2, 4, 1)], into: &model)
        let json = try PrinterTests.printed {
            TreePrinter(model: model, maxDepth: nil, retainedOnly: false, now: now).writeJSON(to: &$0)
        }.split(separator: "\n")
        // By name, as the dashboard's rows.
        #expect(json.count == 2 && json[0].hasPrefix(#"{"broker":"cabin","topic":"stove/t""#) && json[1].hasPrefix(#"{"broker":"home","topic":"hall/t""#),
                "\(json)")
        let text = try PrinterTests.printed { TreePrinter(model: model, maxDepth: nil, retainedOnly: false, now: now).writeText(to: &$0) }
        #expect(text.hasPrefix("cabin: 1 topic, 120 messages, 0 retained\n└── stove"), "\(text)")
        #expect(text.contains("\n\nhome: 1 topic, 60 messages, 0 retained\n└── hall"), "\(text)")
    }
}
