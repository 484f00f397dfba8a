/* placeholder */
#include "config.h"
#include "tui-int.h"
int tui_cmdline_active(tui *t) { (void)t; return 0; }
void tui_cmdline_open(tui *t) { (void)t; }
int tui_cmdline_key(tui *t, int key) { (void)t; (void)key; return 0; }
void tui_cmdline_draw(tui *t, WINDOW *w) { (void)t; (void)w; }
void tui_cmdline_release(tui *t) { (void)t; }
