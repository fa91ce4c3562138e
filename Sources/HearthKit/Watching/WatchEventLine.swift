import Foundation
import Watch

/// One event as `hearth watch` prints it: a JSON object on a line.
///
/// `{"event":"fired","time":"2026-12-05T02:40:00.125Z","rule":"freezer warm","severity":"critical","broker":"home","topic":"zigbee2mqtt/freezer","value":"-12"}`
public enum WatchEventLine {
    public static func line(_ event: WatchEvent) -> String {
        var out = "{\"event\":\"\(event.kind.rawValue)\",\"time\":\"\(timestamp(event.time))\",\"rule\":"
        JSON.appendString(event.rule, to: &out)
        out += ",\"severity\":\"\(event.severity.rawValue)\",\"broker\":"
        JSON.appendString(event.broker, to: &out)
        out += ",\"topic\":"
        JSON.appendString(event.topic, to: &out)
        if let value = event.value {
            out += ",\"value\":"
            JSON.appendString(value, to: &out)
        }
        if let reason = event.reason {
            out += ",\"reason\":"
            JSON.appendString(reason, to: &out)
        }
        if event.silenced { out += ",\"silenced\":true" }
        return out + "}"
    }

    /// ISO 8601 in UTC, to the millisecond.
    public static func timestamp(_ time: Double) -> String {
        let whole = time.rounded(.down)
        var seconds = time_t(whole)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), min(999, Int((time - whole) * 1000)))
    }
}
