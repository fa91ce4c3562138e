import TopicModel
import TextFormat

/// A device's telling reading after its state: "180 brightness" (a field without a unit reads
/// with its name), "41.5 W"; `short` is the number alone.
struct ReadingText {
    let full: String
    let short: String

    init(value: Double, unit: String?, path: String, digits: Int = 2) {
        func escaped(_ text: String) -> String { TerminalEscaping.escaped(Array(text.utf8), keepNewlines: false) }
        short = ValueFormat.short(value, digits: digits)
        full = short + " " + escaped(unit ?? ReadingConvention.lastKey(path))
    }
}
