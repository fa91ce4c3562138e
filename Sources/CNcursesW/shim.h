// The wide-character ncurses API for Swift.
//
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE, which hides the wide API (cchar_t, wget_wch,
// mvwaddnwstr), so it is turned on here. C globals and macros that Swift cannot import, or that
// Swift 6 rejects as shared mutable state, are wrapped in inline functions.
#ifndef HEARTH_CNCURSESW_SHIM_H
#define HEARTH_CNCURSESW_SHIM_H

#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *hearth_stdscr(void) { return stdscr; }
static inline FILE *hearth_stdin(void) { return stdin; }
static inline FILE *hearth_stdout(void) { return stdout; }
static inline int hearth_colors(void) { return COLORS; }
static inline int hearth_color_pairs(void) { return COLOR_PAIRS; }
static inline int hearth_lines(void) { return LINES; }
static inline int hearth_cols(void) { return COLS; }

static inline attr_t hearth_a_normal(void) { return A_NORMAL; }
static inline attr_t hearth_a_bold(void) { return A_BOLD; }
static inline attr_t hearth_a_dim(void) { return A_DIM; }
static inline attr_t hearth_a_underline(void) { return A_UNDERLINE; }
static inline attr_t hearth_a_reverse(void) { return A_REVERSE; }

static inline mmask_t hearth_button1_pressed(void) { return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED; }
static inline mmask_t hearth_wheel_up(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline mmask_t hearth_wheel_down(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t hearth_wheel_down(void) { return 0; }
#endif
static inline mmask_t hearth_mouse_mask(void) {
    return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | hearth_wheel_down();
}

/// Draws `count` wide characters at (y, x) with the given attributes and colour pair.
static inline int hearth_draw(WINDOW *window, int y, int x, const wchar_t *text, int count, attr_t attrs, int pair) {
    wattr_set(window, attrs, (short)pair, NULL);
    return mvwaddnwstr(window, y, x, text, count);
}

#endif
