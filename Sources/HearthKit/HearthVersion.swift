/// Hearth's version: the one place it is written (`hearth --version` prints it; the README and
/// the man page take it from the command).
public enum HearthVersion {
    public static let current = "0.19.0"
}
