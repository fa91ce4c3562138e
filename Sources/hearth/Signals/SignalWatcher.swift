import Dispatch
import HearthKit
import Foundation

/// Runs a handler for signals instead of their default action (which would leave the terminal raw).
enum SignalWatcher {
    static func watch(_ numbers: [Int32], handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }
}
