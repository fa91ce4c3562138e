/// Where a broker is and how to reach it, once the flags, `-L` and the profile are merged.
public struct BrokerEndpoint: Equatable, Sendable {
    public var host: String
    public var port: Int
    public var tls: Bool
    /// Set for MQTT over WebSockets.
    public var webSocketPath: String?
    /// `-L` and the profile's URL, parsed: the login and topic can come from them too.
    public var url: BrokerURL?
    public var profileURL: BrokerURL?

    /// As a URL, without login or topic: `mqtts://broker.example:8883`, `wss://host:443/mqtt`.
    public var description: String {
        let scheme = webSocketPath == nil ? (tls ? "mqtts" : "mqtt") : (tls ? "wss" : "ws")
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost):\(port)\(webSocketPath ?? "")"
    }

    /// `host:port` (`[::1]:1883`): a broker's name when no profile names it.
    public var hostAndPort: String {
        (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    /// Flags first, then `-L`, then the profile (its fields, then its URL), then defaults. The
    /// default port follows the transport: 1883, 8883 with TLS, 80 or 443 over WebSockets.
    ///
    /// - Parameters:
    ///   - tls: whether flags turn TLS on (`--tls`, `--cafile`, `--cert`, `--insecure`).
    ///   - webSocket: `--ws`.
    ///   - webSocketPath: `--ws-path`.
    public static func resolve(host: String?, port: Int?, url: BrokerURL?, profile: Profile?,
                               tls: Bool, webSocket: Bool, webSocketPath: String?) throws -> BrokerEndpoint {
        let profileURL = try profile?.url.map(BrokerURL.init(parsing:))
        // A profile's own certificates turn TLS on whatever the URL says, as --cafile does.
        let useTLS = tls || url?.tls == true || profile?.cafile != nil || profile?.cert != nil || profile?.insecure == true
            || (url == nil && (profile?.tls == true || profileURL?.tls == true))
        let path = webSocketPath ?? url?.webSocketPath ?? (url == nil ? profileURL?.webSocketPath : nil)
            ?? (webSocket ? "/mqtt" : nil)
        let defaultPort = path == nil ? (useTLS ? 8883 : 1883) : (useTLS ? 443 : 80)
        return BrokerEndpoint(host: host ?? url?.host ?? profile?.host ?? profileURL?.host ?? "localhost",
                              port: port ?? url?.port ?? profile?.port ?? profileURL?.port ?? defaultPort,
                              tls: useTLS, webSocketPath: path, url: url, profileURL: profileURL)
    }

    /// The filters to subscribe to when no `-t` is given: `-L`'s topic, else the profile's URL
    /// topic or filters, else `#`.
    public static func defaultFilters(url: BrokerURL?, profile: Profile?) throws -> [String] {
        if let topic = url?.topic { return [topic] }
        if let topic = try profile?.url.map(BrokerURL.init(parsing:))?.topic { return [topic] }
        return profile?.filters ?? ["#"]
    }
}
