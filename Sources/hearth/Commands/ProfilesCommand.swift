import ArgumentParser
import HearthKit
import Foundation

/// `hearth profiles`: the connection profiles of `config.toml`, never with a password.
struct ProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "List the connection profiles of ~/.config/hearth/config.toml (passwords never shown).",
        discussion: """
            Pick one with -b NAME (or --profile NAME) in any command; flags override what it says.
            Example config.toml:
              default = "home"
              [profiles.home]
              host = "homeassistant.local"
              username = "mqtt-user"
              password_command = "pass show mqtt/home"   # or password_file = "~/.mqtt-password"
              filters = ["zigbee2mqtt/#", "home/#"]
              theme = "solarized-dark"
              [profiles.test]
              url = "mqtts://test.example:8883"
            """,
        helpNames: [.long])

    func run() throws {
        let path = ProfileFile.defaultPath()
        guard let file = try ProfileFile.load(path: path) else {
            print("no profiles: \(path) does not exist")
            return
        }
        var output = OutputWriter(fd: STDOUT_FILENO)
        defer { output.flush() }
        output.write("profiles in \(path)\(file.defaultName.map { " (default: \($0))" } ?? "")\n")
        for profile in file.profiles {
            output.write("\(profile.name == file.defaultName ? "*" : " ") \(profile.name)  \(Self.describe(profile))  (line \(profile.line))\n")
        }
    }

    /// Where a profile connects and how it logs in, without its password.
    static func describe(_ profile: Profile) -> String {
        let url = profile.url.flatMap { try? BrokerURL(parsing: $0) }
        var parts: [String] = []
        if let members = profile.brokers {
            // A group reaches no broker of its own.
            parts.append("group of \(members.joined(separator: ", "))")
            if let theme = profile.theme { parts.append("theme \(theme)") }
            return parts.joined(separator: " · ")
        }
        if let endpoint = try? BrokerEndpoint.resolve(host: nil, port: nil, url: nil, profile: profile,
                                                      tls: false, webSocket: false, webSocketPath: nil) {
            parts.append(endpoint.description)
        }
        if let user = profile.username ?? url?.username { parts.append("user \(user)") }
        if let source = profile.passwordSource { parts.append(source) } else if url?.password != nil { parts.append("password (in the url)") }
        if let filters = profile.filters ?? url?.topic.map({ [$0] }) { parts.append("filters \(filters.joined(separator: " "))") }
        if let theme = profile.theme { parts.append("theme \(theme)") }
        // Printed as the store prints itself: a URL never with its password.
        if let store = profile.store { parts.append("store \((try? StoreAddress(parsing: store)).map { "\($0)" } ?? store)") }
        if profile.insecure == true { parts.append("insecure") }
        return parts.joined(separator: " · ")
    }
}
