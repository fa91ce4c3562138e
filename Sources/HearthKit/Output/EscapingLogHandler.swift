import Logging
import TextFormat

/// The command line's log on stderr, with control bytes in each message escaped: a log line can
/// quote the broker (a reason string, a topic), and stderr is usually a terminal.
public struct EscapingLogHandler: LogHandler {
    private var stream: StreamLogHandler

    public init(label: String) {
        stream = StreamLogHandler.standardError(label: label)
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    public var metadata: Logger.Metadata {
        get { stream.metadata }
        set { stream.metadata = newValue }
    }

    public var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { stream[metadataKey: key] }
        set { stream[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(TerminalEscaping.escaped(Array(event.message.description.utf8), keepNewlines: false))"
        stream.log(event: event)
    }
}
