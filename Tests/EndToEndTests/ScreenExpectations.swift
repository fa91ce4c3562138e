import Foundation
import MQTTTestSupport
import Testing

extension Tmux {
    /// Waits for `text` on the screen and expects it there; returns the screen.
    @discardableResult
    func see(_ text: String) async throws -> String {
        let screen = try await waitFor { $0.contains(text) }
        #expect(screen.contains(text), "\(text) not on screen:\n\(screen)")
        return screen
    }
}

/// What the broker on `port` retains for `topic`, as mosquitto_sub prints it ("1 OFF"), or ""
/// when it retains nothing (retained messages arrive at once; -W ends the wait otherwise).
func retainedValue(_ topic: String, port: Int) async throws -> String {
    try await ChildProcess.run(["mosquitto_sub", "-p", "\(port)", "-t", topic, "-C", "1", "-W", "2", "-F", "%r %p"]).stdout
        .trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Publishes with mosquitto_pub (retained unless told otherwise), as a device would.
func publish(_ port: Int, _ topic: String, _ payload: String, retain: Bool = true) async throws {
    let result = try await ChildProcess.run(["mosquitto_pub", "-p", "\(port)", "-t", topic, "-m", payload] + (retain ? ["-r"] : []))
    #expect(result.status == 0, "mosquitto_pub: \(result.stderr)")
}
