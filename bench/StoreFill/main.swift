// Fills a history store with a recorded home, for the dashboard's time-to-first-frame benchmark
// (bench/first_frame_bench.py): TOPICS plain-number sensors, one reading every INTERVAL seconds
// for HOURS hours, ending now, written in batches of 10,000 as `hearth record` writes them, as
// BROKER's past (host:port, as a dashboard started with -p names it). STORE is a file or a
// postgres:// URL. Run in release:
// `swift run -c release hearth-store-fill STORE BROKER [TOPICS] [HOURS] [INTERVAL]`.
import Foundation
import HearthKit
import MQTT

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: hearth-store-fill STORE BROKER [TOPICS] [HOURS] [INTERVAL]\n".utf8))
    exit(2)
}
let path = arguments[1]
let broker = arguments[2]
let topics = arguments.count > 3 ? Int(arguments[3]) ?? 500 : 500
let hours = arguments.count > 4 ? Double(arguments[4]) ?? 24 : 24
let interval = arguments.count > 5 ? Double(arguments[5]) ?? 10 : 10

/// The topic of sensor `index`, as the benchmark's broker also names it.
func topic(_ index: Int) -> String { "home/room\(index / 10)/sensor\(index % 10)/temperature" }

do {
    let store = try await StoreAddress(parsing: path).open(readOnly: false)
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
                try await store.write(batch, broker: broker)
                written += batch.count
                batch.removeAll(keepingCapacity: true)
            }
        }
    }
    try await store.write(batch, broker: broker)
    written += batch.count
    await store.close()
    print("\(written) messages over \(topics) topics in \(path)")
} catch {
    FileHandle.standardError.write(Data("hearth-store-fill: \(error)\n".utf8))
    exit(1)
}
