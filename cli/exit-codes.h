/*
 * The exit codes of the egov program, one per kind of outcome a script may
 * want to branch on.  egov(1) documents the same table; keep them in step.
 * The numbers are part of the interface: never renumber, only add.
 */
#ifndef EGOV_EXIT_CODES_H
#define EGOV_EXIT_CODES_H

enum egov_exit {
	EGOV_EXIT_OK = 0,		/* done */
	EGOV_EXIT_FAILURE = 1,		/* anything not listed below */
	EGOV_EXIT_USAGE = 2,		/* bad options, arguments or configuration */
	EGOV_EXIT_OFFLINE = 3,		/* the server could not be reached; an
					 * action stays queued in the outbox */
	EGOV_EXIT_AUTH = 4,		/* not logged in, wrong password, forbidden */
	EGOV_EXIT_CONFLICT = 5,		/* the dossier changed meanwhile, or the
					 * action is not allowed in its state */
	EGOV_EXIT_SERVER = 6,		/* the server answered with an error */
	EGOV_EXIT_NOT_FOUND = 7		/* no such dossier (in the cache or on
					 * the server) */
};

#endif
