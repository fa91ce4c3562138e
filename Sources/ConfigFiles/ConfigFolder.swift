import Foundation

/// Hearth's folder of user configuration: `$XDG_CONFIG_HOME/hearth` (`~/.config/hearth` when
/// unset), which holds `config.toml` and `themes/`.
public enum ConfigFolder {
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/hearth"
    }
}
