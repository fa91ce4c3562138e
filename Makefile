# make install PREFIX=/usr/local: the binary, themes, man page and shell completions.
# make uninstall PREFIX=/usr/local removes exactly what install put there.
# CONFIGURATION=debug installs the debug build instead (the install test does, to reuse the tests' build).
PREFIX ?= /usr/local
CONFIGURATION ?= release
DESTDIR ?=
BINDIR = $(DESTDIR)$(PREFIX)/bin
SHAREDIR = $(DESTDIR)$(PREFIX)/share
THEMES = $(notdir $(wildcard themes/*.toml))
BUILT = .build/$(CONFIGURATION)/hearth
MANUAL = .build/plugins/GenerateManual/outputs/hearth/hearth.1

.PHONY: all build install uninstall

all: build

# Always asks SwiftPM, which rebuilds only what changed.
build:
	swift build -c $(CONFIGURATION) --product hearth

# The reference part comes from swift-argument-parser's generate-manual plugin; keys, themes,
# profiles and files are written by hand in man/hearth-extra.mdoc.
.build/hearth.1: build man/hearth-extra.mdoc
	swift package plugin generate-manual --configuration $(CONFIGURATION)
	{ cat $(MANUAL); echo; cat man/hearth-extra.mdoc; } > $@

install: build .build/hearth.1
	install -d $(BINDIR) $(SHAREDIR)/hearth/themes $(SHAREDIR)/man/man1 \
		$(SHAREDIR)/bash-completion/completions $(SHAREDIR)/zsh/site-functions $(SHAREDIR)/fish/vendor_completions.d
	install -m 755 $(BUILT) $(BINDIR)/hearth
	install -m 644 $(addprefix themes/,$(THEMES)) $(SHAREDIR)/hearth/themes/
	install -m 644 .build/hearth.1 $(SHAREDIR)/man/man1/hearth.1
	$(BUILT) --generate-completion-script bash > $(SHAREDIR)/bash-completion/completions/hearth
	$(BUILT) --generate-completion-script zsh > $(SHAREDIR)/zsh/site-functions/_hearth
	$(BUILT) --generate-completion-script fish > $(SHAREDIR)/fish/vendor_completions.d/hearth.fish

uninstall:
	rm -f $(BINDIR)/hearth $(SHAREDIR)/man/man1/hearth.1 $(addprefix $(SHAREDIR)/hearth/themes/,$(THEMES)) \
		$(SHAREDIR)/bash-completion/completions/hearth $(SHAREDIR)/zsh/site-functions/_hearth \
		$(SHAREDIR)/fish/vendor_completions.d/hearth.fish
	-rmdir $(SHAREDIR)/hearth/themes $(SHAREDIR)/hearth 2>/dev/null
