import Foundation
import MQTT
import MQTTBroker
import MQTTTestSupport
import NIOCore

/// Runs `body` with an embedded broker on a free port, with a test's configuration, and stops
/// it (awaited) however `body` ends.
func withBroker<Result>(_ change: (inout BrokerConfiguration) -> Void = { _ in },
                        _ body: (MQTTBroker, Int) async throws -> Result) async throws -> Result {
    var configuration = BrokerConfiguration(port: 0)
    change(&configuration)
    let broker = MQTTBroker(configuration: configuration)
    let port = try await broker.start()
    return try await withCleanup({ try await body(broker, port) }, cleanup: { await broker.stop() })
}

/// A blocking TCP socket for sending bytes no real client would.
final class RawSocket {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw TestSupportError("cannot connect to port \(port)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the peer closes (or 10 s pass); returns everything read.
    func readUntilClosed() -> [UInt8] {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return all }
            all += buffer[0..<count]
        }
    }

    /// A 3.1.1 CONNECT with a keep alive and, optionally, a will.
    static func connectPacket(clientID: String, keepAlive: UInt16, willTopic: String? = nil) throws -> [UInt8] {
        var buffer = ByteBuffer()
        let will = willTopic.map { MQTTWill(topic: $0, payload: Array("gone".utf8)) }
        try MQTTPacket.connect(ConnectPacket(version: .v311, clientID: clientID, keepAlive: keepAlive, will: will))
            .write(to: &buffer, version: .v311)
        return Array(buffer.readableBytesView)
    }
}
