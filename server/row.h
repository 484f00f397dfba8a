/*
 * A dossier as a mutable row (row.c): loaded inside a write transaction,
 * changed by one transition, saved with its version bumped and one change
 * recorded for the feed.  The HTTP actions (actions.c) and the activity
 * thread (activity.c) both change dossiers only through here, so every
 * change has its history entry, its new version and its feed row.
 */
#ifndef EGOV_SIM_ROW_H
#define EGOV_SIM_ROW_H

#include "sim.h"

typedef struct sim_row {
	long long n, version;
	char id[24], agency_id[16], assignee_id[16], old_assignee[16], state[24];
	char procedure_id[16];
	time_t received_at, due_at, finished_at, returned_at, paused_at;
	int supplement_count;
	json_t *history, *supplements, *comments, *result, *apology;
} sim_row;

/* 0 found, 1 absent, -1 error. */
int sim_row_load(sqlite3 *db, const char *id, sim_row *r);
void sim_row_release(sim_row *r);
/* Move to `to` (NULL keeps the state) and write a history entry. */
void sim_row_step(sim_row *r, const char *actor_id, const char *actor_name,
		  const char *action, const char *to, const char *note, time_t now);
/* Save: version + 1, updated_at, and a feed row. */
int sim_row_save(sqlite3 *db, sim_row *r, time_t now);

#endif
