import Foundation
import HearthKit

/// Waits for SIGINT, SIGTERM or SIGHUP.
enum StopSignal {
    static func wait() async {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let sources = SignalWatcher.watch([SIGINT, SIGTERM, SIGHUP]) { continuation.yield() }
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
        sources.forEach { $0.cancel() }
    }
}
