// Fills a history store with a recorded home, for the dashboard's time-to-first-frame benchmark
// (bench/first_frame_bench.py): TOPICS plain-number sensors, one reading every INTERVAL seconds
// for HOURS hours, ending now, written in batches of 10,000 as `hearth record` writes them.
// Run in release: `swift run -c release hearth-store-fill PATH [TOPICS] [HOURS] [INTERVAL]`.
import Foundation
import HistoryStore
import MQTT

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: hearth-store-fill PATH [TOPICS] [HOURS] [INTERVAL]\n".utf8))
    exit(2)
}
let path = arguments[1]
let topics = arguments.count > 2 ? Int(arguments[2]) ?? 500 : 500
let hours = arguments.count > 3 ? Double(arguments[3]) ?? 24 : 24
let interval = arguments.count > 4 ? Double(arguments[4]) ?? 10 : 10

/// The topic of sensor `index`, as the benchmark's broker also names it.
func topic(_ index: Int) -> String { "home/room\(index / 10)/sensor\(index % 10)/temperature" }

do {
    let store = try HistoryStore(path: path)
    let now = Date().timeIntervalSince1970
    let steps = Int(hours * 3600 / interval)
    var batch: [MQTTMessage] = []
    batch.reserveCapacity(10_000)
    var written = 0
    for step in 0..<steps {
        let time = now - Double(steps - step) * interval
        for index in 0..<topics {
            // A daily swing, different per room, to give the sparklines a shape.
            let value = 20 + 3 * sin(time / 86_400 * 2 * .pi + Double(index)) + Double(index % 7) / 10
            batch.append(MQTTMessage(topic: topic(index), payload: Array(String(format: "%.2f", value).utf8),
                                     receivedAt: Date(timeIntervalSince1970: time)))
            if batch.count == 10_000 {
                try store.write(batch)
                written += batch.count
                batch.removeAll(keepingCapacity: true)
            }
        }
    }
    try store.write(batch)
    written += batch.count
    print("\(written) messages over \(topics) topics in \(path)")
} catch {
    FileHandle.standardError.write(Data("hearth-store-fill: \(error)\n".utf8))
    exit(1)
}
