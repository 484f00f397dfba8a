/*
 * Placeholder for the console until the screens land: says so and exits.
 */
#include "config.h"
#include "console.h"

#include <stdio.h>

int console_main(struct egov_app *app)
{
	(void)app;
	fputs("egov: the full-screen console is not built yet\n", stderr);
	return 1;
}
