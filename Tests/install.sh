#!/usr/bin/env bash
# The install test: `make install` into a temporary prefix, then what a user gets from it.
# - exactly the binary, themes, man page and three completion scripts are installed;
# - the installed binary finds the themes installed beside it;
# - `man -l` renders the page, with no warnings, and `man hearth` finds it on MANPATH;
# - each completion script loads in its shell (zsh and fish when installed; the test command
#   installs them), and registers the completion;
# - `make uninstall` removes every file install put there.
# What TAB then does in each shell is tested in Tests/EndToEndTests/ShellCompletionTests.swift.
#
# Usage: Tests/install.sh [debug|release] (default debug, reusing the build `swift test` made).
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${1:-debug}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
failures=0
fail() { echo "install test: FAIL: $*" >&2; failures=$((failures + 1)); }

make -s install PREFIX="$prefix" CONFIGURATION="$configuration" >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; fail "make install"; exit 1; }

# Exactly these files.
expected=$(printf '%s\n' bin/hearth share/man/man1/hearth.1 share/bash-completion/completions/hearth \
    share/zsh/site-functions/_hearth share/fish/vendor_completions.d/hearth.fish \
    $(cd themes && printf 'share/hearth/themes/%s\n' *.toml) | sort)
installed=$(cd "$prefix" && find . -type f | sed 's|^\./||' | sort)
[ "$installed" = "$expected" ] || fail "installed files differ: $(diff <(echo "$expected") <(echo "$installed") | tr '\n' ' ')"
[ -x "$prefix/bin/hearth" ] || fail "bin/hearth is not executable"

# The binary finds themes beside it: a theme added there completes, and a broken one is reported
# with its installed path. HOME is empty, so ~/.config/hearth/themes plays no part.
home=$work/home
mkdir -p "$home"
cp themes/light.toml "$prefix/share/hearth/themes/extra.toml"
names=$(HOME=$home "$prefix/bin/hearth" ---completion dashboard -- --theme 2 0 hearth --theme "" 2>&1 || true)
grep -qx extra <<<"$names" || fail "the installed binary does not list themes in $prefix/share/hearth/themes: $names"
echo 'colors = [' >"$prefix/share/hearth/themes/extra.toml"
message=$(HOME=$home "$prefix/bin/hearth" --theme extra </dev/null 2>&1 || true)
[[ $message == "Error: theme $prefix/share/hearth/themes/extra.toml: line 1: "* ]] || fail "a broken installed theme: $message"
rm "$prefix/share/hearth/themes/extra.toml"

# The man page renders, with the generated reference and the hand-written part.
page=$(MANWIDTH=100 man --warnings -l "$prefix/share/man/man1/hearth.1" 2>"$work/man.err" | col -b || true)
[ ! -s "$work/man.err" ] || fail "man -l warns: $(head -3 "$work/man.err")"
for section in NAME SYNOPSIS DESCRIPTION KEYS THEMES PROFILES ENVIRONMENT FILES; do
    grep -q "^$section" <<<"$page" || fail "the man page has no $section section"
done
grep -q -- "--ws-path" <<<"$page" || fail "the man page lacks the generated reference (--ws-path)"
[ "$(MANPATH=$prefix/share/man man -w hearth 2>/dev/null || true)" = "$prefix/share/man/man1/hearth.1" ] || fail "man hearth does not find the page on MANPATH"

# Each completion script loads in its shell and registers hearth's completion.
registered=$(bash -c "source '$prefix/share/bash-completion/completions/hearth' && complete -p hearth" 2>&1 || true)
[ "$registered" = "complete -o filenames -F _hearth_or_dashboard hearth" ] || fail "bash: $registered"
if command -v zsh >/dev/null; then
    # compinit finds _hearth on fpath by its #compdef line; loading the file then registers the
    # lines for the default command.
    zsh -n "$prefix/share/zsh/site-functions/_hearth" 2>"$work/zsh.err" || fail "zsh -n: $(head -3 "$work/zsh.err")"
    registered=$(zsh -f -c "fpath=('$prefix/share/zsh/site-functions' \$fpath); autoload -U compinit && compinit -u -d '$work/zcompdump'
        print -n \$_comps[hearth]' '; source '$prefix/share/zsh/site-functions/_hearth'; print \$_comps[hearth]" 2>&1 || true)
    [ "$registered" = "_hearth _hearth_or_dashboard" ] || fail "zsh: $registered"
else
    echo "install test: zsh is not installed; its script is not loaded" >&2
fi
if command -v fish >/dev/null; then
    offered=$(fish --no-config -c "source '$prefix/share/fish/vendor_completions.d/hearth.fish'; complete -C 'hearth --th'" 2>&1 || true)
    grep -q -- "^--theme" <<<"$offered" && [ "$(wc -l <<<"$offered")" -eq 1 ] || fail "fish: $offered"
else
    echo "install test: fish is not installed; its script is not loaded" >&2
fi

# Uninstall leaves no file behind.
make -s uninstall PREFIX="$prefix" >"$work/make.log" 2>&1 || fail "make uninstall: $(cat "$work/make.log")"
left=$(cd "$prefix" && find . -type f)
[ -z "$left" ] || fail "make uninstall left: $left"

if [ "$failures" -gt 0 ]; then
    echo "install test: $failures failure(s)" >&2
    exit 1
fi
echo "install test: passed (make install PREFIX=… CONFIGURATION=$configuration, man -l, bash$(command -v zsh >/dev/null && echo ", zsh")$(command -v fish >/dev/null && echo ", fish"), make uninstall)"
