import ArgumentParser
import HearthKit

/// The shell completion scripts swift-argument-parser writes, taught that the dashboard is
/// hearth's default command.
///
/// Its scripts complete a flag only after a subcommand's name, so `hearth --theme <TAB>` and
/// `hearth -b <TAB>`, the way the dashboard is started, would offer nothing. Each script gets a
/// few lines that complete a command line whose first argument is a flag as if `dashboard`
/// stood before it; everything else is the generated script, unchanged.
enum CompletionScript {
    /// The script for `shell`, as `hearth --generate-completion-script SHELL` prints it.
    static func script(for shell: CompletionShell) -> String {
        let generated = Hearth.completionScript(for: shell)
        switch shell {
        case .bash: return generated + bash
        case .zsh:
            // The generated file ends by running or registering `_hearth`; both now go
            // through `_hearth_or_dashboard`.
            guard let start = generated.range(of: zshEnding) else { return generated }
            return generated[..<start.lowerBound] + zsh
        case .fish: return generated + fish
        default: return generated
        }
    }

    // MARK: - bash

    private static let bash = #"""

        # The dashboard is hearth's default command: complete `hearth --theme …` as `hearth dashboard --theme …`.
        _hearth_or_dashboard() {
            if [[ ${COMP_CWORD} -ge 1 && ${COMP_WORDS[1]} == -* ]]; then
                COMP_WORDS=("${COMP_WORDS[0]}" dashboard "${COMP_WORDS[@]:1}")
                COMP_CWORD=$((COMP_CWORD + 1))
                COMP_LINE="${COMP_WORDS[0]} dashboard${COMP_LINE#"${COMP_WORDS[0]}"}"
                COMP_POINT=$((COMP_POINT + 10))
            fi
            _hearth "$@"
        }
        complete -o filenames -F _hearth_or_dashboard hearth

        """#

    // MARK: - zsh

    /// How swift-argument-parser's zsh script ends; ShellCompletionTests checks it is replaced.
    private static let zshEnding = #"""
        if [[ "${funcstack[1]}" = _hearth ]]; then
        """#

    private static let zsh = #"""
        # The dashboard is hearth's default command: complete `hearth --theme …` as `hearth dashboard --theme …`.
        _hearth_or_dashboard() {
            if (( CURRENT >= 2 )) && [[ ${words[2]} == -* ]]; then
                words=("${words[1]}" dashboard "${(@)words[2,-1]}")
                (( CURRENT++ ))
            fi
            _hearth "$@"
        }

        compdef _hearth_or_dashboard hearth
        if [[ "${funcstack[1]}" = _hearth ]]; then
            _hearth_or_dashboard "$@"
        fi

        """#

    // MARK: - fish

    private static let fish = #"""

        # The dashboard is hearth's default command: complete `hearth --theme …` as `hearth dashboard --theme …`.
        # Sourced again (an upgrade, or a config.fish that sources it too): copy the new definition.
        functions -e __hearth_generated_tokens
        functions -c __hearth_tokens __hearth_generated_tokens
        function __hearth_tokens
            set -l tokens (__hearth_generated_tokens $argv)
            # Only the whole command line (-p…) gains the subcommand; the current token (-t…) is as typed.
            if string match -q -- '-p*' $argv[1]
                set -l first $tokens[2]
                test (count $tokens) -lt 2; and set first (commandline -ct)
                if string match -q -- '-*' "$first"
                    set tokens $tokens[1] dashboard $tokens[2..]
                end
            end
            printf '%s\n' $tokens
        end

        """#
}
