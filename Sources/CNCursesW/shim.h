// ncurses exposes state as C globals and macros that Swift 6 strict concurrency cannot read
// safely (`stdscr`, `LINES`, `COLS`, attribute macros). These inline shims are the only way the
// Swift side touches them, so the unsafety stays in one audited place.
#ifndef VPBX_CNCURSESW_SHIM_H
#define VPBX_CNCURSESW_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <langinfo.h>
#include <locale.h>
#include <string.h>
#include <stdlib.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *vpbx_stdscr(void) { return stdscr; }
static inline int vpbx_lines(void) { return LINES; }
static inline int vpbx_cols(void) { return COLS; }
static inline int vpbx_attr_bold(void) { return (int)A_BOLD; }
static inline int vpbx_attr_reverse(void) { return (int)A_REVERSE; }
static inline int vpbx_attr_dim(void) { return (int)A_DIM; }
static inline int vpbx_attr_underline(void) { return (int)A_UNDERLINE; }
static inline int vpbx_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int vpbx_key_resize(void) { return KEY_RESIZE; }
static inline int vpbx_key_f(int n) { return KEY_F(n); }
static inline int vpbx_err(void) { return ERR; }
/// Takes the locale from the environment. When that leaves plain ASCII (LANG unset, as in
/// many containers and SSH sessions), characters fall back to C.UTF-8 so that names like
/// "Győző" still render; returns 0 only when no locale could be set at all.
static inline int vpbx_set_locale(void) {
    if (setlocale(LC_ALL, "") == NULL) return 0;
    const char *codeset = nl_langinfo(CODESET);
    if (codeset != NULL && strcmp(codeset, "ANSI_X3.4-1968") == 0) setlocale(LC_CTYPE, "C.UTF-8");
    return 1;
}

/// Writes at most `n` wide characters at (y, x) with attributes and colour pair `pair`
/// (0: the terminal's default colours).
static inline int vpbx_put(int y, int x, const wchar_t *text, int n, int attrs, int pair) {
    WINDOW *w = stdscr;
    wattr_set(w, (attr_t)attrs, (short)pair, NULL);
    int rc = mvwaddnwstr(w, y, x, text, n);
    wattr_set(w, A_NORMAL, 0, NULL);
    return rc;
}

/// Reads one key without waiting. Returns 0 when none is pending, 1 for a character
/// (in *value), 2 for a function key code (KEY_UP, KEY_RESIZE, ...; in *value).
static inline int vpbx_read_key(int *value) {
    wint_t ch = 0;
    wtimeout(stdscr, 0);
    int rc = wget_wch(stdscr, &ch);
    *value = (int)ch;
    if (rc == KEY_CODE_YES) return 2;
    if (rc == OK) return 1;
    return 0;
}

/// Function key codes, so Swift needs no knowledge of curses.h macros.
enum vpbx_key_code {
    VPBX_KEY_UP = KEY_UP, VPBX_KEY_DOWN = KEY_DOWN, VPBX_KEY_LEFT = KEY_LEFT, VPBX_KEY_RIGHT = KEY_RIGHT,
    VPBX_KEY_HOME = KEY_HOME, VPBX_KEY_END = KEY_END, VPBX_KEY_NPAGE = KEY_NPAGE, VPBX_KEY_PPAGE = KEY_PPAGE,
    VPBX_KEY_BTAB = KEY_BTAB, VPBX_KEY_ENTER = KEY_ENTER, VPBX_KEY_BACKSPACE = KEY_BACKSPACE,
    VPBX_KEY_DC = KEY_DC, VPBX_KEY_RESIZE = KEY_RESIZE, VPBX_KEY_F0 = KEY_F0
};

static void vpbx_endwin_at_exit(void) {
    if (!isendwin()) endwin();
}

/// Makes `exit()` from anywhere (argument parser, fatal paths) restore the terminal.
static inline void vpbx_register_endwin_at_exit(void) { atexit(vpbx_endwin_at_exit); }

/// Whether the terminal is in curses mode (initscr done, endwin not yet called).
static inline int vpbx_is_curses_active(void) { return stdscr != NULL && !isendwin(); }
#endif
