import Foundation

/// Where a connection's password comes from, in order: `-P`, then `--password-file`, then the
/// URL, then `HEARTH_PASSWORD`, then the profile's password, password_file or password_command
/// (or its URL's password).
public struct PasswordSource: Sendable {
    public var flag: String?
    public var file: String?
    public var urlPassword: String?
    public var environment: [String: String]
    public var profile: Profile?
    public var profileURL: BrokerURL?

    public init(flag: String?, file: String?, urlPassword: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                profile: Profile?, profileURL: BrokerURL?) {
        self.flag = flag
        self.file = file
        self.urlPassword = urlPassword
        self.environment = environment
        self.profile = profile
        self.profileURL = profileURL
    }

    /// The password, or nil when none is given; a file or command that fails is one line.
    public func resolve() throws -> String? {
        if let flag { return flag }
        if let file { return try Self.firstLine(of: file, what: "password file") }
        if let found = urlPassword ?? environment["HEARTH_PASSWORD"].flatMap({ $0.isEmpty ? nil : $0 }) { return found }
        guard let profile else { return nil }
        if let password = profile.password { return password }
        if let file = profile.passwordFile { return try Self.firstLine(of: file, what: "password_file of profile '\(profile.name)'") }
        if let command = profile.passwordCommand { return try PasswordCommand.run(command, profile: profile.name) }
        return profileURL?.password
    }

    /// The password of `profile`'s history database (`store_password_file` or
    /// `store_password_command`), or nil when it gives none.
    public static func store(of profile: Profile?) throws -> String? {
        guard let profile else { return nil }
        if let file = profile.storePasswordFile { return try firstLine(of: file, what: "store_password_file of profile '\(profile.name)'") }
        if let command = profile.storePasswordCommand { return try PasswordCommand.run(command, profile: profile.name) }
        return nil
    }

    private static func firstLine(of path: String, what: String) throws -> String {
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("cannot read \(what) \(path)")
        }
        return String(contents.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }
}
