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

    @Option(name: [.customShort("L"), .customLong("url")],
            help: "mqtt[s]://[user[:pass]@]host[:port][/topic], or ws[s]://host[:port][/path] for WebSockets (repeatable: a broker each).")
    var urls: [String] = []

    @Option(name: [.customShort("b"), .customLong("profile")],
            help: "A connection profile from ~/.config/hearth/config.toml (default: the file's 'default', unless -h or -L names a broker); flags override it. Repeatable, or a group (brokers = [...]): a broker each.",
            completion: .custom { _, _, _ in ((try? ProfileFile.load()) ?? nil)?.profiles.map(\.name) ?? [] })
    var profileNames: [String] = []

    /// The one `-L`, when there is one.
    var url: String? { urls.count == 1 ? urls[0] : nil }

    @Flag(name: .long, help: "TLS with the system's trust store.")
    var tls = false

    @Flag(name: .customLong("ws"), help: "MQTT over WebSockets (with --tls or --cafile: wss).")
    var webSocket = false

    func validate() throws {
        for url in urls { _ = try BrokerURL(parsing: url) }
    }

    /// The topic named by `-L`, if any.
    func urlTopic() throws -> String? { try url.map(BrokerURL.init(parsing:))?.topic }

    /// The profile `-b` names, or the config file's default; nil without either.
    ///
    /// The default profile stays out when `-h` or `-L` names a broker: its login (and filters,
    /// port, certificates) belong to its own broker, and must not go to another one.
    ///
    /// - Throws: when the flags name several profiles or URLs (see `brokers()`), or a group.
    func profile() throws -> Profile? {
        // One -b with one -L is the profile at the URL's address, as before several brokers.
        guard profileNames.count <= 1, urls.count <= 1 else {
            throw ValidationError("\((profileNames.map { "-b \($0)" } + urls.map { "-L \($0)" }).joined(separator: ", ")) name several brokers; this command takes one")
        }
        guard let profile = try namedProfile() else { return nil }
        if let members = profile.brokers {
            throw ValidationError("profile '\(profile.name)' is a group (\(members.joined(separator: ", "))); this command takes one broker: name one with -b")
        }
        return profile
    }

    /// The profile `-b` names (a group too), or the config file's default.
    func namedProfile() throws -> Profile? {
        let profileName = profileNames.first
        if profileName == nil, host != nil || !urls.isEmpty { return nil }
        guard let file = try ProfileFile.load() else {
            if let profileName { throw ValidationError("no profile '\(profileName)': there is no \(ProfileFile.defaultPath())") }
            return nil
        }
        return try file.profile(named: profileName)
    }

    /// Each broker these flags name: one per `-b` (a group's members, in its order), then one per
    /// `-L`; the flags alone, or one profile, are one broker (these flags themselves).
    ///
    /// - Throws: when `-h` or `-p` would have to name several brokers.
    func brokers() throws -> [BrokerAddressOptions] {
        let file = try ProfileFile.load()
        var names: [String] = []
        for name in profileNames {
            if let members = try file?.profile(named: name)?.brokers { names += members } else { names.append(name) }
        }
        if profileNames.isEmpty, urls.isEmpty, host == nil, let members = try file?.profile(named: nil)?.brokers { names = members }
        // Each broker once, in the order first named.
        var seen = Set<String>()
        names = names.filter { seen.insert($0).inserted }
        let urls = self.urls.filter { seen.insert($0).inserted }
        if names == profileNames, urls == self.urls, names.count + urls.count <= 1 { return [self] }
        if names.count + urls.count > 1, host != nil || port != nil {
            throw ValidationError("-h and -p name one broker; with several, name each with -b or -L")
        }
        func only(profile: String?, url: String?) -> BrokerAddressOptions {
            var one = self
            one.profileNames = profile.map { [$0] } ?? []
            one.urls = url.map { [$0] } ?? []
            return one
        }
        return names.map { only(profile: $0, url: nil) } + urls.map { only(profile: nil, url: $0) }
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
