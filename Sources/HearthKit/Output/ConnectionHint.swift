import MQTT

/// What to try next when a connection fails the way newcomers' connections fail: nothing
/// listening where hearth looked, or a broker that wants a login.
public enum ConnectionHint {
    /// A hint for `error`, or nil; `username` is the one hearth sent (nil when it sent none).
    public static func hint(for error: MQTTClientError, username: String?) -> String? {
        switch error {
        case let .connectionFailed(failure) where failure.reason == .refused:
            return "no broker is listening there: name one with -h HOST -p PORT, or try 'hearth demo'"
        case .connectionRefused(.notAuthorized, _), .connectionRefused(.badUsernameOrPassword, _):
            return username == nil
                ? "the broker wants a login: give -u USER with -P PASSWORD, --password-file FILE or HEARTH_PASSWORD"
                : "check the user name '\(username ?? "")' and its password"
        default:
            return nil
        }
    }
}
