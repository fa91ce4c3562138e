import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loopback ports for test servers.
public enum LoopbackPort {
    /// Ports handed out in this process: two suites running at once never get the same one.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port on 127.0.0.1 for a test server that binds it itself (mosquitto, `hearth broker`).
    ///
    /// It is free when checked, never handed out twice in this process, and taken below the
    /// kernel's ephemeral range, so no outgoing connection can be given it meanwhile. (Servers in
    /// this process bind port 0 instead and read back the port.)
    public static func free() -> Int {
        let ephemeralStart = ephemeralRangeStart()
        let candidates = 10_000..<max(10_001, ephemeralStart)
        while true {
            let port = Int.random(in: candidates)
            let claimed = handedOut.withLock { $0.insert(port).inserted }
            if claimed, canBind(port) { return port }
        }
    }

    /// The first port the kernel gives to outgoing connections (32768 by default on Linux).
    private static func ephemeralRangeStart() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
              let first = text.split(whereSeparator: \.isWhitespace).first, let start = Int(first) else { return 32768 }
        return start
    }

    // Probes are close-on-exec: a child spawned meanwhile must not keep the port.
    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func isAccepting(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
