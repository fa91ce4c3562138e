import Foundation

/// A broker named as `mqtt[s]://[user[:pass]@]host[:port][/topic]`, or over WebSockets as
/// `ws[s]://[user[:pass]@]host[:port][/path]` (the path defaults to `/mqtt`).
public struct BrokerURL: Equatable, Sendable {
    public var tls: Bool
    public var host: String
    public var port: Int?
    public var username: String?
    public var password: String?
    public var topic: String?
    /// The WebSocket path, for `ws://` and `wss://`.
    public var webSocketPath: String?

    public init(parsing text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              ["mqtt", "mqtts", "ws", "wss"].contains(scheme) else {
            throw ConfigurationError("invalid URL '\(text)': expected mqtt[s]://[user[:pass]@]host[:port][/topic] or ws[s]://host[:port][/path]")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ConfigurationError("invalid URL '\(text)': no host")
        }
        tls = scheme == "mqtts" || scheme == "wss"
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        port = components.port
        username = components.user
        password = components.password
        let path = components.path
        if scheme.hasPrefix("ws") {
            // Without a port, the endpoint's default for WebSockets applies (80, or 443 with TLS).
            webSocketPath = path.isEmpty ? "/mqtt" : path
        } else {
            topic = path.count > 1 ? String(path.dropFirst()) : nil
        }
    }
}
