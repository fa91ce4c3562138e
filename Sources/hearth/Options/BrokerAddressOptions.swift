import ArgumentParser
import Foundation

/// Which broker: `-h`/`-p`, `-L` and `-b`. The connecting commands take these with the rest of
/// `ConnectionOptions`; `hearth history` takes only these, to find the store recorded from that broker.
struct BrokerAddressOptions: ParsableArguments {
    @Option(name: [.customShort("h"), .long], help: "Broker host (default localhost).")
    var host: String?

    @Option(name: [.customShort("p"), .long], help: "Broker port (default 1883, or 8883 with TLS).")
    var port: Int?

    @Option(name: [.customShort("L"), .long], help: "mqtt[s]://[user[:pass]@]host[:port][/topic], or ws[s]://host[:port][/path] for WebSockets")
    var url: String?

    @Option(name: [.customShort("b"), .customLong("profile")],
            help: "A connection profile from ~/.config/hearth/config.toml (default: the file's 'default'); flags override it.",
            completion: .custom { _, _, _ in ((try? ProfileFile.load()) ?? nil)?.profiles.map(\.name) ?? [] })
    var profileName: String?

    /// Where the broker is, and how to reach it, once the flags, `-L` and the profile are merged.
    struct Endpoint {
        var host: String
        var port: Int
        var tls: Bool
        /// Set for MQTT over WebSockets.
        var webSocketPath: String?
    }

    func validate() throws {
        if let url { _ = try BrokerURL(parsing: url) }
    }

    /// `-L` parsed.
    func parsedURL() throws -> BrokerURL? { try url.map(BrokerURL.init(parsing:)) }

    /// The topic named by `-L`, if any.
    func urlTopic() throws -> String? { try parsedURL()?.topic }

    /// The profile `-b` names, or the config file's default; nil without either.
    func profile() throws -> Profile? {
        guard let file = try ProfileFile.load() else {
            if let profileName { throw ValidationError("no profile '\(profileName)': there is no \(ProfileFile.defaultPath())") }
            return nil
        }
        return try file.profile(named: profileName)
    }

    /// The endpoint: flags first, then `-L`, then the profile (its fields, then its URL), then
    /// defaults. The default port follows the transport: 1883, 8883 with TLS, 80 or 443 over
    /// WebSockets.
    ///
    /// - Parameters:
    ///   - tls: whether the caller's own flags ask for TLS (`--tls`, `--cafile`…).
    ///   - webSocket: the caller's `--ws`; `webSocketPath` its `--ws-path`.
    func endpoint(profile: Profile?, tls: Bool = false, webSocket: Bool = false, webSocketPath: String? = nil) throws -> Endpoint {
        let parsedURL = try parsedURL()
        let profileURL = try profile?.url.map(BrokerURL.init(parsing:))
        // A profile's own certificates turn TLS on whatever the URL says, as --cafile does.
        let useTLS = tls || parsedURL?.tls == true || profile?.cafile != nil || profile?.cert != nil || profile?.insecure == true
            || (parsedURL == nil && (profile?.tls == true || profileURL?.tls == true))
        let path = webSocketPath ?? parsedURL?.webSocketPath ?? (parsedURL == nil ? profileURL?.webSocketPath : nil)
            ?? (webSocket ? "/mqtt" : nil)
        let defaultPort = path == nil ? (useTLS ? 8883 : 1883) : (useTLS ? 443 : 80)
        return Endpoint(host: host ?? parsedURL?.host ?? profile?.host ?? profileURL?.host ?? "localhost",
                        port: port ?? parsedURL?.port ?? profile?.port ?? profileURL?.port ?? defaultPort,
                        tls: useTLS, webSocketPath: path)
    }
}
