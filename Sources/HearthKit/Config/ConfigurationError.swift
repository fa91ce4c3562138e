/// A mistake in what the user gave (a flag's value, `config.toml`, a URL, a password source):
/// one line, printed as it is.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The line the user reads.
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
