import Foundation
import MQTT
import Testing

/// TLS files that cannot be loaded are named in the one-line error, before any connection.
@Suite(.timeLimit(.minutes(1)))
struct TLSFileErrorTests {
    @Test func aMissingOrBrokenFileIsNamed() async throws {
        let missing = MQTTClient(configuration: MQTTClientConfiguration(tls: MQTTTLSOptions(caFile: "/nonexistent/ca.crt"), reconnect: .never))
        await #expect { try await missing.connect() } throws: { error in
            "\(error)" == "TLS error: cannot load /nonexistent/ca.crt: no such file"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-not-a-cert-\(UUID().uuidString).pem").path
        try "not a certificate".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let broken = MQTTClient(configuration: MQTTClientConfiguration(tls: MQTTTLSOptions(caFile: file), reconnect: .never))
        await #expect { try await broken.connect() } throws: { error in
            "\(error)" == "TLS error: cannot load \(file): not a PEM certificate"
        }
    }
}
