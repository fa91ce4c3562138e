import Synchronization
import HearthKit

/// A flag raised from any thread (a signal handler, a key) and read by the UI loop.
final class SignalFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
    /// Reads and lowers the flag.
    func take() -> Bool { value.exchange(false, ordering: .acquiringAndReleasing) }
}
