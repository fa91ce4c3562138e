import TopicModel

/// Short renderings of values, safe to print.
public enum ValueFormat {
    /// A number without a pointless ".0", and never "nan" in JSON (callers pass finite values).
    public static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// A number rounded for a narrow column: at most `digits` decimals, trailing zeros dropped.
    public static func short(_ value: Double, digits: Int = 2) -> String {
        guard value.isFinite else { return String(value) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return number((value * scale).rounded() / scale)
    }

    /// The start of a payload, escaped and quoted; binary payloads as a size.
    public static func preview(_ message: StoredMessage, length: Int = 40) -> String {
        preview(message.payload, size: message.size, length: length)
    }

    public static func preview(_ payload: [UInt8], size: Int, length: Int = 40) -> String {
        if size == 0 { return "(empty)" }
        guard let text = decoded(payload, truncated: payload.count < size) else {
            return "(\(size) bytes binary)"
        }
        let clipped = text.count > length || payload.count < size ? String(text.prefix(length)) + "…" : text
        return "\"" + TerminalEscaping.escaped(Array(clipped.utf8), keepNewlines: false) + "\""
    }

    /// The payload as text when it is UTF-8; a cut payload may end inside a character.
    public static func decoded(_ payload: [UInt8], truncated: Bool) -> String? {
        if let text = String(validating: payload, as: UTF8.self) { return text }
        guard truncated else { return nil }
        for cut in 1...3 where payload.count > cut {
            if let text = String(validating: payload.dropLast(cut), as: UTF8.self) { return text }
        }
        return nil
    }

    /// An age: "4 s", "3 min", "2 h", "5 d"; compact for a column: "4s", "3m", "2h", "5d".
    public static func age(_ seconds: Double, compact: Bool = false) -> String {
        let value = max(0, Int(seconds.isFinite ? seconds : 0))
        let (amount, unit) = value < 60 ? (value, "s") : value < 3600 ? (value / 60, compact ? "m" : "min")
            : value < 86400 ? (value / 3600, "h") : (value / 86400, "d")
        return compact ? "\(amount)\(unit)" : "\(amount) \(unit)"
    }

    /// How often something happens: "250 ms", "2.5 s", then as `age` ("10 s", "5 min"), so a
    /// topic sent several times a second does not read "every 0 s".
    public static func interval(_ seconds: Double) -> String {
        guard seconds.isFinite else { return age(seconds) }
        if seconds < 1 { return "\(max(1, Int((seconds * 1000).rounded()))) ms" }
        if seconds < 10 { return short(seconds, digits: 1) + " s" }
        return age(seconds)
    }

    /// A byte count: "812 B", "3.4 KiB".
    public static func bytes(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        if count < 1024 * 1024 { return short(Double(count) / 1024, digits: 1) + " KiB" }
        return short(Double(count) / 1024 / 1024, digits: 1) + " MiB"
    }
}
