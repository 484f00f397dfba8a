/*
 * Key names and rebinding.
 *
 * The config file and the ':' command line name keys the way tmux and
 * emacs do ("C-l", "F5", "Down", "j"); tui_key_parse() and tui_key_name()
 * go both ways, and '?' help prints keys with tui_key_name().
 *
 * Key tables are const and declarative; rebinding is a small process-wide
 * list of (action, key) pairs consulted when a table row is matched: a row
 * whose action has been rebound answers only to its new keys.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "tui-int.h"

struct named_key {
	const char *name;
	int key;
};

/* The first name of a key is the one tui_key_name() prints. */
static const struct named_key named_keys[] = {
	{ "Up", TUI_KEY_UP }, { "Down", TUI_KEY_DOWN },
	{ "Left", TUI_KEY_LEFT }, { "Right", TUI_KEY_RIGHT },
	{ "PgUp", TUI_KEY_PGUP }, { "PageUp", TUI_KEY_PGUP },
	{ "PPage", TUI_KEY_PGUP },
	{ "PgDn", TUI_KEY_PGDN }, { "PageDown", TUI_KEY_PGDN },
	{ "NPage", TUI_KEY_PGDN },
	{ "Home", TUI_KEY_HOME }, { "End", TUI_KEY_END },
	{ "Enter", TUI_KEY_ENTER }, { "Return", TUI_KEY_ENTER },
	{ "Esc", TUI_KEY_ESC }, { "Escape", TUI_KEY_ESC },
	{ "Tab", TUI_KEY_TAB }, { "BTab", TUI_KEY_BTAB },
	{ "S-Tab", TUI_KEY_BTAB },
	{ "Space", ' ' }, { "SPC", ' ' },
	{ "Backspace", TUI_KEY_BACKSPACE }, { "BS", TUI_KEY_BACKSPACE },
	{ "Delete", TUI_KEY_DELETE }, { "Del", TUI_KEY_DELETE },
	{ "Insert", TUI_KEY_FN(KEY_IC) }, { "Ins", TUI_KEY_FN(KEY_IC) },
};

struct rebinding {
	char *action;
	int key;
};
static struct rebinding *rebindings;
static size_t nrebindings;

/* One UTF-8 character making up the whole string, or -1. */
static int single_char(const char *s)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;

	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, strlen(s), &st);
	if (n == 0 || n == (size_t)-1 || n == (size_t)-2 || s[n] != '\0')
		return -1;
	return (int)wc;
}

int tui_key_parse(const char *name)
{
	size_t i;
	int c;

	if (name == NULL || *name == '\0')
		return -1;
	for (i = 0; i < sizeof named_keys / sizeof *named_keys; i++)
		if (strcasecmp(name, named_keys[i].name) == 0)
			return named_keys[i].key;
	if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '0' &&
	    name[1] <= '9') {
		char *end;
		long n = strtol(name + 1, &end, 10);

		if (*end == '\0' && n >= 1 && n <= 24)
			return TUI_KEY_F((int)n);
		return -1;
	}
	if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' &&
	    name[2] != '\0' && name[3] == '\0')
		c = (unsigned char)name[2];
	else if (name[0] == '^' && name[1] != '\0' && name[2] == '\0')
		c = (unsigned char)name[1];
	else
		return single_char(name);
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 1;
	if (c >= '@' && c <= '_')
		return c - '@';
	return -1;
}

char *tui_key_name(int key, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof named_keys / sizeof *named_keys; i++)
		if (named_keys[i].key == key) {
			snprintf(buf, len, "%s", named_keys[i].name);
			return buf;
		}
	if (key >= TUI_KEY_F(1) && key <= TUI_KEY_F(24)) {
		snprintf(buf, len, "F%d", key - TUI_KEY_F(0));
		return buf;
	}
	if (key >= 1 && key < 32) {
		snprintf(buf, len, "C-%c", key + 'a' - 1);
		return buf;
	}
	if (key > 32 && key < 0x110000 && key != 127) {
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)key, &st);
		if (n != (size_t)-1) {
			mb[n] = '\0';
			snprintf(buf, len, "%s", mb);
			return buf;
		}
	}
	snprintf(buf, len, "<key 0x%x>", (unsigned)key);
	return buf;
}

int tui_bind(const char *action, int key)
{
	struct rebinding *r;
	char *copy;

	if (action == NULL || key < 0)
		return -1;
	copy = strdup(action);
	r = realloc(rebindings, (nrebindings + 1) * sizeof *r);
	if (copy == NULL || r == NULL) {
		free(copy);
		if (r != NULL)
			rebindings = r;
		return -1;
	}
	rebindings = r;
	rebindings[nrebindings++] = (struct rebinding){ copy, key };
	return 0;
}

int tui_bind_spec(const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	char action[128];
	const char *keyname;
	size_t n;
	int key;

	if (eq == NULL || eq == spec) {
		snprintf(err, errlen, "expected action=key, got \"%.60s\"",
			 spec);
		return -1;
	}
	n = (size_t)(eq - spec);
	while (n > 0 && spec[n - 1] == ' ')
		n--;
	if (n >= sizeof action) {
		snprintf(err, errlen, "action name too long");
		return -1;
	}
	memcpy(action, spec, n);
	action[n] = '\0';
	keyname = eq + 1;
	while (*keyname == ' ')
		keyname++;
	key = tui_key_parse(keyname);
	if (key < 0) {
		snprintf(err, errlen, "unknown key \"%.60s\"", keyname);
		return -1;
	}
	return tui_bind(action, key);
}

void tui_bindings_reset(void)
{
	size_t i;

	for (i = 0; i < nrebindings; i++)
		free(rebindings[i].action);
	free(rebindings);
	rebindings = NULL;
	nrebindings = 0;
}

int tui_binding_matches(const struct tui_key_binding *b, int key)
{
	size_t i;
	int rebound = 0;

	for (i = 0; i < nrebindings; i++)
		if (strcmp(rebindings[i].action, b->action) == 0) {
			if (rebindings[i].key == key)
				return 1;
			rebound = 1;
		}
	return !rebound && b->key == key;
}

int tui_binding_key(const struct tui_key_binding *b)
{
	size_t i;

	for (i = 0; i < nrebindings; i++)
		if (strcmp(rebindings[i].action, b->action) == 0)
			return rebindings[i].key;
	return b->key;
}

/* Run the first row of table that key triggers; TUI_UNHANDLED if none. */
int tui_run_bindings(const struct tui_key_binding *table, tui_screen *s,
		     int key)
{
	for (; table != NULL && table->action != NULL; table++)
		if (table->handler != NULL && tui_binding_matches(table, key)) {
			int flags = table->handler(s, key);

			if (flags != TUI_UNHANDLED)
				return flags;
		}
	return TUI_UNHANDLED;
}
