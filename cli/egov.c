/*
 * egov: the console for Hải Phòng's one-stop-shop back office.
 * Placeholder entry point until the console and subcommands land.
 */
#include "config.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#define _(s) gettext(s)

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("egov %s\n", PACKAGE_VERSION);
		return 0;
	}
	fprintf(stderr, _("egov: nothing here yet\n"));
	return 1;
}
