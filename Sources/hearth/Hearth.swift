import ArgumentParser
import HearthKit
import Foundation
import MQTT

/// `hearth`: a terminal dashboard and command-line client for MQTT.
@main
struct Hearth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth",
        abstract: "A terminal dashboard and command-line client for MQTT.",
        subcommands: [DashboardCommand.self, SubCommand.self, PubCommand.self, TreeCommand.self, RecordCommand.self, WatchCommand.self, CheckCommand.self, HistoryCommand.self, ReplayCommand.self,
                      ProfilesCommand.self, BrokerCommand.self, DemoCommand.self],
        defaultSubcommand: DashboardCommand.self,
        // -h is the broker host, as in mosquitto_sub and mosquitto_pub.
        helpNames: [.long]
    )

    /// Runs the command; a bad flag is one line on stderr, like every other error (no usage dump).
    static func main() async {
        // `hearth --help` is the dashboard's help too: `hearth` alone runs the dashboard, so its
        // connection flags are what a newcomer needs first.
        let arguments = Array(CommandLine.arguments.dropFirst())
        // Completion scripts get hearth's own lines for its default command (CompletionScript).
        if let shell = completionShell(arguments) {
            print(CompletionScript.script(for: shell), terminator: "")
            return
        }
        // The dashboard is the default command, so the root's --version is answered here.
        if arguments == ["--version"] {
            print(HearthVersion.current)
            return
        }
        if arguments == ["--help"] {
            print(helpMessage())
            print()
            print("THE DASHBOARD (`hearth` with no subcommand):")
            print(helpMessage(for: DashboardCommand.self))
            return
        }
        var parsed: (any ParsableCommand)?
        do {
            var command = try parseAsRoot()
            parsed = command
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let status as ExitCode {
            // A status the command chose (check's) after saying why.
            exit(withError: status)
        } catch {
            // A mistake in what the user gave exits as a bad flag does (64), wherever it was found.
            let code = error is ConfigurationError ? ExitCode.validationFailure : exitCode(for: error)
            // --help and the like print as usual.
            guard code != .success else { exit(withError: error) }
            var lines = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            if let error = error as? MQTTClientError, let command = parsed as? any ConnectingCommand,
               let hint = ConnectionHint.hint(for: error, username: (try? command.connection.resolvedUsername()) ?? nil) {
                if lines.isEmpty { lines = [hint] } else { lines[lines.count - 1] += "; " + hint }
            }
            if let failed = error as? EveryBrokerFailed {
                // One line per broker: each failed its own way (the headless commands said so as it happened).
                Diagnostics.error("no broker could be reached")
                for line in failed.lines { Diagnostics.error(line) }
            } else {
                Diagnostics.error(lines.filter { !$0.isEmpty }.joined(separator: " "))
            }
            exit(withError: code)
        }
    }

    /// The shell `--generate-completion-script [SHELL]` names (or `$SHELL`), if that is the whole
    /// command line.
    private static func completionShell(_ arguments: [String]) -> CompletionShell? {
        let flag = "--generate-completion-script"
        switch arguments.count {
        case 1 where arguments[0] == flag: return CompletionShell.autodetected()
        case 2 where arguments[0] == flag: return CompletionShell(rawValue: arguments[1])
        case 1 where arguments[0].hasPrefix(flag + "="): return CompletionShell(rawValue: String(arguments[0].dropFirst(flag.count + 1)))
        default: return nil
        }
    }
}
