import ArgumentParser
import Foundation
import HearthKit

/// Which broker: `-h`/`-p`, `-L`, `-b`, and the transport flags that change the default port.
///
/// The connecting commands take these with the rest of `ConnectionOptions`; `hearth history`
/// takes only these, to find the store recorded from that broker.
struct BrokerAddressOptions: ParsableArguments {
    @Option(name: [.customShort("h"), .long], help: "Broker host (default localhost).")
    var host: String?

    @Option(name: [.customShort("p"), .long], help: "Broker port (default 1883, 8883 with TLS, 80 or 443 with WebSockets).")
    var port: Int?

    @Option(name: [.customShort("L"), .long], help: "mqtt[s]://[user[:pass]@]host[:port][/topic], or ws[s]://host[:port][/path] for WebSockets")
    var url: String?

    @Option(name: [.customShort("b"), .customLong("profile")],
            help: "A connection profile from ~/.config/hearth/config.toml (default: the file's 'default', unless -h or -L names a broker); flags override it.",
            completion: .custom { _, _, _ in ((try? ProfileFile.load()) ?? nil)?.profiles.map(\.name) ?? [] })
    var profileName: String?

    @Flag(name: .long, help: "TLS with the system's trust store.")
    var tls = false

    @Flag(name: .customLong("ws"), help: "MQTT over WebSockets (with --tls or --cafile: wss).")
    var webSocket = false

    func validate() throws {
        if let url { _ = try BrokerURL(parsing: url) }
    }

    /// The topic named by `-L`, if any.
    func urlTopic() throws -> String? { try url.map(BrokerURL.init(parsing:))?.topic }

    /// The profile `-b` names, or the config file's default; nil without either.
    ///
    /// The default profile stays out when `-h` or `-L` names a broker: its login (and filters,
    /// port, certificates) belong to its own broker, and must not go to another one.
    func profile() throws -> Profile? {
        if profileName == nil, host != nil || url != nil { return nil }
        guard let file = try ProfileFile.load() else {
            if let profileName { throw ValidationError("no profile '\(profileName)': there is no \(ProfileFile.defaultPath())") }
            return nil
        }
        return try file.profile(named: profileName)
    }

    /// The endpoint these flags and `profile` name.
    ///
    /// - Parameters:
    ///   - tlsFlags: whether the caller's other flags turn TLS on (`--cafile`, `--cert`, `--insecure`).
    ///   - webSocketPath: the caller's `--ws-path`.
    func endpoint(profile: Profile?, tlsFlags: Bool = false, webSocketPath: String? = nil) throws -> BrokerEndpoint {
        try BrokerEndpoint.resolve(host: host, port: port, url: url.map(BrokerURL.init(parsing:)), profile: profile,
                                   tls: tls || tlsFlags, webSocket: webSocket, webSocketPath: webSocketPath)
    }
}
