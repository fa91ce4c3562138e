import ArgumentParser
import Foundation

/// A broker named as `mqtt[s]://[user[:pass]@]host[:port][/topic]`.
struct BrokerURL: Equatable {
    var tls: Bool
    var host: String
    var port: Int?
    var username: String?
    var password: String?
    var topic: String?

    init(parsing text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "mqtt" || scheme == "mqtts" else {
            throw ValidationError("invalid URL '\(text)': expected mqtt[s]://[user[:pass]@]host[:port][/topic]")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ValidationError("invalid URL '\(text)': no host")
        }
        tls = scheme == "mqtts"
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        port = components.port
        username = components.user
        password = components.password
        let path = components.path
        topic = path.count > 1 ? String(path.dropFirst()) : nil
    }
}
