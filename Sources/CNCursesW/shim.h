// ncurses exposes state as C globals and macros that Swift 6 strict concurrency cannot read
// safely (`stdscr`, `LINES`, `COLS`, attribute macros). These inline shims are the only way the
// Swift side touches them, so the unsafety stays in one audited place.
#ifndef VPBX_CNCURSESW_SHIM_H
#define VPBX_CNCURSESW_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

static inline WINDOW *vpbx_stdscr(void) { return stdscr; }
static inline int vpbx_lines(void) { return LINES; }
static inline int vpbx_cols(void) { return COLS; }
static inline int vpbx_attr_bold(void) { return (int)A_BOLD; }
static inline int vpbx_attr_reverse(void) { return (int)A_REVERSE; }
static inline int vpbx_attr_dim(void) { return (int)A_DIM; }
static inline int vpbx_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int vpbx_key_resize(void) { return KEY_RESIZE; }
static inline int vpbx_key_f(int n) { return KEY_F(n); }
static inline int vpbx_err(void) { return ERR; }
static inline int vpbx_set_locale(void) { return setlocale(LC_ALL, "") != NULL; }
#endif
