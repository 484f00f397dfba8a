/*
 * The full-screen console: what `egov` runs with no subcommand.
 *
 * cli/ opens the application context (configuration, api client, cache,
 * session) and hands it here; the console owns the terminal until the person
 * leaves, and returns the program's exit code.
 */
#ifndef EGOV_CONSOLE_H
#define EGOV_CONSOLE_H

struct egov_app;

int console_main(struct egov_app *app);

#endif
