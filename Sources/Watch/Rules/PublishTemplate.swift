/// A message to publish, with `${rule}`, `${topic}`, `${value}`, `${state}`, `${broker}`,
/// `${severity}` and `${time}` filled in from the event.
public struct PublishTemplate: Sendable, Equatable {
    public var topic: String
    public var payload: String
    public var retain: Bool

    public init(topic: String, payload: String, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.retain = retain
    }

    /// The names the templates know.
    public static let variables = ["rule", "topic", "value", "state", "broker", "severity", "time"]

    /// The `${name}`s in `text` that are not among `variables`.
    public static func unknownVariables(in text: String) -> [String] {
        var unknown: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            let name = String(rest[start.upperBound..<end])
            if !variables.contains(name) { unknown.append(name) }
            rest = rest[rest.index(after: end)...]
        }
        return unknown
    }

    /// `text` with each `${name}` replaced by `values[name]`; an unknown name stays as written.
    public static func fill(_ text: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}"),
                  let value = values[String(rest[start.upperBound..<end])] else {
                result += "${"
                rest = rest[start.upperBound...]
                continue
            }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}
