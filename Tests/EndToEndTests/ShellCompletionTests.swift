import Foundation
import MQTTTestSupport
import Testing

/// The completion scripts `hearth --generate-completion-script` prints, loaded into real
/// interactive shells in tmux, with TAB pressed as a person would.
@Suite(.timeLimit(.minutes(2)))
struct ShellCompletionTests {
    static let config = "[profiles.home]\nhost = \"a\"\n[profiles.office]\nhost = \"b\"\n"

    /// Each line typed, and what the command line reads after TAB.
    static let completions = [
        // The dashboard is the default command: its flags complete with no subcommand named.
        ("hearth --theme so", "hearth --theme solarized-dark"),
        ("hearth -t 'home/#' -b of", "hearth -t 'home/#' -b office"),
        ("hearth sub -b ho", "hearth sub -b home"),
        ("hearth his", "hearth history"),
        ("hearth record --max-s", "hearth record --max-size"),
    ]

    @Test(arguments: ["bash", "zsh", "fish"])
    func tabCompletesSubcommandsFlagsThemesAndProfiles(shell: String) async throws {
        guard Self.installed(shell) else {
            // zsh and fish are optional on a developer's machine; the test command installs them.
            #expect(shell != "bash", "bash is not installed")
            return
        }
        let script = try await HearthExecutable.run(["--generate-completion-script", shell])
        try #require(script.status == 0, "\(script.stderr)")
        try await ProfileTests.withConfig(Self.config) { environment, _ in
            let folder = (environment["XDG_CONFIG_HOME"] ?? "") + "/shell"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let command = try Self.interactiveShell(shell, loading: script.stdout, in: folder)
            try await Tmux.with(command, width: 100, height: 10, environment: environment) { tmux in
                let prompt = try await tmux.waitFor { $0.contains("ready>") }
                try #require(prompt.contains("ready>"), "\(shell) did not start:\n\(prompt)")
                for (typed, completed) in Self.completions {
                    try await tmux.keys("C-u")
                    try await tmux.type(typed)
                    try await tmux.keys("Tab")
                    let screen = try await tmux.waitFor { $0.contains("ready> \(completed)") }
                    #expect(screen.contains("ready> \(completed)"), "\(shell): \(typed) ⇥\n\(screen)")
                }
            }
        }
    }

    @Test func eachScriptCarriesTheLinesForTheDefaultCommand() async throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try await HearthExecutable.run(["--generate-completion-script", shell])
            #expect(script.stdout.contains("_hearth_or_dashboard") || script.stdout.contains("__hearth_generated_tokens"), "\(shell)")
        }
        // zsh's lines replace how the generated script ends; a new swift-argument-parser that ends
        // it differently would leave them out, and this says so on machines without zsh too.
        let zsh = try await HearthExecutable.run(["--generate-completion-script", "zsh"])
        #expect(zsh.stdout.hasSuffix("compdef _hearth_or_dashboard hearth\nif [[ \"${funcstack[1]}\" = _hearth ]]; then\n    _hearth_or_dashboard \"$@\"\nfi\n"))
        #expect(!zsh.stdout.contains("compdef _hearth hearth"))
        // $SHELL picks the shell when none is named.
        let detected = try await HearthExecutable.run(["--generate-completion-script"], environment: ["SHELL": "/bin/bash"])
        #expect(detected.stdout.contains("complete -o filenames -F _hearth_or_dashboard hearth"), "\(detected.stdout.suffix(300))")
    }

    @Test func theBinaryAnswersWithConfiguredProfilesAndThemesItFinds() async throws {
        try await ProfileTests.withConfig(Self.config) { environment, _ in
            // What the scripts ask the binary when TAB is pressed after -b and --theme.
            let profiles = try await HearthExecutable.run(["---completion", "dashboard", "--", "--profile", "2", "0", "hearth", "-b", ""],
                                                          environment: environment)
            #expect(profiles.stdout.split(separator: "\n") == ["home", "office"], "\(profiles.stdout)\(profiles.stderr)")
            let themes = try await HearthExecutable.run(["---completion", "dashboard", "--", "--theme", "2", "0", "hearth", "--theme", ""],
                                                        environment: environment)
            #expect(themes.stdout.contains("solarized-dark\n"), "\(themes.stdout)")
        }
    }

    static func installed(_ shell: String) -> Bool {
        ["/bin", "/usr/bin", "/usr/local/bin"].contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(shell)") }
    }

    /// The command line of an interactive `shell` with no user configuration, `hearth` on its
    /// PATH, the completion `script` loaded, and the prompt `ready> `.
    static func interactiveShell(_ shell: String, loading script: String, in folder: String) throws -> String {
        let bin = (HearthExecutable.path as NSString).deletingLastPathComponent
        switch shell {
        case "bash":
            try script.write(toFile: folder + "/hearth.bash", atomically: true, encoding: .utf8)
            try "PS1='ready> '\nPATH='\(bin)':$PATH\nsource '\(folder)/hearth.bash'\n"
                .write(toFile: folder + "/bashrc", atomically: true, encoding: .utf8)
            return "bash --noprofile --rcfile '\(folder)/bashrc' -i"
        case "zsh":
            // As installed: _hearth in a folder on fpath, found by compinit.
            try script.write(toFile: folder + "/_hearth", atomically: true, encoding: .utf8)
            try """
                PS1='ready> '
                path=('\(bin)' $path)
                fpath=('\(folder)' $fpath)
                autoload -U compinit && compinit -u -d '\(folder)/zcompdump'
                """.write(toFile: folder + "/.zshrc", atomically: true, encoding: .utf8)
            return "ZDOTDIR='\(folder)' zsh -i"
        default:
            try script.write(toFile: folder + "/hearth.fish", atomically: true, encoding: .utf8)
            try """
                function fish_prompt; printf 'ready> '; end
                set -g fish_greeting
                set -g fish_autosuggestion_enabled 0
                set PATH '\(bin)' $PATH
                source '\(folder)/hearth.fish'
                """.write(toFile: folder + "/init.fish", atomically: true, encoding: .utf8)
            return "fish --no-config -i -C 'source \(folder)/init.fish'"
        }
    }
}
