/*
 * The work queues: the counters of domain.md and windows of rows in a
 * queue, read from SQLite a screenful at a time.
 *
 * Each queue is a WHERE condition on the optimistic columns; each sort is
 * an indexed column plus the rowid as tie-breaker.  A window continues from
 * a key with a row-value comparison, "(col, rowid) > (:k, :r)", which
 * SQLite answers from the index: the cost of a window depends on its size,
 * not on the queue's length or how far down the person has scrolled.
 *
 * "Due soon" and "overdue" compare due_at with times computed once per
 * query from the cached calendar (now, and the end of the last working day
 * still counted as soon), so no per-row calendar arithmetic runs in SQL.
 *
 * Counting reads the counters counts.c keeps (queue_counts, and due_counts
 * per UTC day), never the dossiers: the home screen shows every counter at
 * start, and a million rows took 400 ms to count.  Nothing in them depends
 * on today, so a new day needs nothing recomputed: "overdue" and "due
 * soon" sum the whole days of their range and count the partial day at
 * each end on the open dossiers' due date index.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const queue_names[ECACHE_Q_COUNT] = {
	"all", "active", "new_online", "received", "in_progress", "due_soon",
	"overdue", "supplement_wait", "supplement_received", "pending_approval",
	"result_ready", "mine", "unassigned", "unsent",
};

/* Conditions use :user, :now and :soon. */
static const char *const queue_where[ECACHE_Q_COUNT] = {
	"1",
	"d.state IN (" ECACHE_ACTIVE_STATES ")",
	"d.state = 0",
	"d.state = 1",
	"d.state = 3",
	ECACHE_OVERDUE_WHERE("d.state") " AND d.due_at >= :now AND d.due_at < :soon",
	ECACHE_OVERDUE_WHERE("d.state") " AND d.due_at < :now",
	"d.state = 5",
	"d.state = 3 AND d.supplement_count > 0",
	"d.state = 4",
	"d.state = 8",
	"d.assignee_id = :user AND d.state IN (" ECACHE_ACTIVE_STATES ")",
	"d.assignee_id IS NULL AND d.state IN (1,3)",
	"(d.pending > 0 OR d.conflict > 0)",
};

static const char *const sort_column[ECACHE_SORT_COUNT] = {
	"d.due_at", "d.recv_at", "d.name_key", "d.code",
};

/* Small queues with a due range are found on the open dossiers' due date
 * index: the planner would rather walk dossiers_state, every open
 * dossier, or dossiers_due, every finished one. */
static const char *const filter_index[ECACHE_Q_COUNT] = {
	[ECACHE_Q_DUE_SOON] = "dossiers_open_due",
	[ECACHE_Q_OVERDUE] = "dossiers_open_due",
};

/* Above c->dense_queue rows (5,000) a queue is read by walking the sort
 * column's index and filtering (matches are dense enough that 50 come
 * quickly); below it, SQLite finds the rows by their filter and sorts them,
 * which is cheap for a small set and avoids walking a long index for a few
 * matches.  While a big first sync runs without the sort indexes
 * (bulk.c), a long queue is read in the order its dossiers arrived: by
 * rowid, continuing from the key's rowid. */

const char *
ecache_queue_name(ecache_queue q)
{
	return (unsigned)q < ECACHE_Q_COUNT ? queue_names[q] : "?";
}

int
ecache_queue_parse(const char *name, ecache_queue *out)
{
	int i;

	for (i = 0; name && i < ECACHE_Q_COUNT; i++) {
		if (strcmp(queue_names[i], name) == 0) {
			*out = (ecache_queue)i;
			return 0;
		}
	}
	return -1;
}

/* The first moment no longer "due soon": midnight after the last day whose
 * working days left are within the limit. */
static time_t
soon_cutoff(ecache *c, time_t now)
{
	const egov_calendar *cal = ecache_calendar(c);
	egov_calendar empty;
	egov_day today = egov_day_of(now), d, last = today;

	egov_calendar_init(&empty);
	if (!cal)
		cal = &empty;
	for (d = today + 1; d < today + 60; d++) {
		if (egov_working_days_between(cal, today, d) > c->due_soon_days)
			break;
		last = d;
	}
	return egov_local_time(last + 1, 0, 0);
}

static void
bind_common(ecache *c, sqlite3_stmt *st, const char *user_id)
{
	time_t now = ecache_now(c);
	int i;

	if ((i = sqlite3_bind_parameter_index(st, ":user")) > 0)
		sqlite3_bind_text(st, i, user_id ? user_id : "", -1, SQLITE_TRANSIENT);
	if ((i = sqlite3_bind_parameter_index(st, ":now")) > 0)
		sqlite3_bind_int64(st, i, (long long)now);
	if ((i = sqlite3_bind_parameter_index(st, ":soon")) > 0)
		sqlite3_bind_int64(st, i, (long long)soon_cutoff(c, now));
}

/* The counters table (schema v3) answers every queue but the three that
 * depend on the time or on the outbox (NULL here; see
 * ecache_queue_count()). */
#define COUNT_SUM "SELECT coalesce(sum(n), 0) FROM queue_counts WHERE "
static const char *const count_sql_of[ECACHE_Q_COUNT] = {
	COUNT_SUM "1",
	COUNT_SUM "state IN (" ECACHE_ACTIVE_STATES ")",
	COUNT_SUM "state = 0",
	COUNT_SUM "state = 1",
	COUNT_SUM "state = 3",
	NULL,
	NULL,
	COUNT_SUM "state = 5",
	COUNT_SUM "state = 3 AND supp = 1",
	COUNT_SUM "state = 4",
	COUNT_SUM "state = 8",
	COUNT_SUM "assignee = :user AND state IN (" ECACHE_ACTIVE_STATES ")",
	COUNT_SUM "assignee = '' AND state IN (1,3)",
	NULL,
};

#define DAY_S 86400LL

static long long
count_sql(ecache *c, const char *sql, const char *user_id, long long lo, long long hi)
{
	sqlite3_stmt *st = ecache_stmt(c, sql);
	long long n = -1;
	int i;

	if (!st)
		return -1;
	if ((i = sqlite3_bind_parameter_index(st, ":user")) > 0)
		sqlite3_bind_text(st, i, user_id ? user_id : "", -1, SQLITE_TRANSIENT);
	if ((i = sqlite3_bind_parameter_index(st, ":lo")) > 0)
		sqlite3_bind_int64(st, i, lo);
	if ((i = sqlite3_bind_parameter_index(st, ":hi")) > 0)
		sqlite3_bind_int64(st, i, hi);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		ecache_sqlerr(c, "queue");
	sqlite3_reset(st);
	return n;
}

/* Dossiers that may be overdue with due_at in [lo, hi): whole UTC days
 * from due_counts, the partial days at either end counted on the
 * due date index of the open dossiers, which holds at most a day's
 * worth each. */
static long long
count_due_between(ecache *c, long long lo, long long hi)
{
	static const char *const exact_sql =
		"SELECT count(*) FROM dossiers INDEXED BY dossiers_open_due"
		" WHERE " ECACHE_OVERDUE_WHERE("state")
		" AND due_at >= :lo AND due_at < :hi";
	static const char *const days_sql =
		"SELECT coalesce(sum(n), 0) FROM due_counts WHERE day >= :lo AND day < :hi";
	long long first = lo >= 0 ? (lo + DAY_S - 1) / DAY_S : 0;	/* first whole day */
	long long last = hi >= 0 ? hi / DAY_S : 0;			/* after the last */
	long long a, b, m;

	if (hi <= lo)
		return 0;
	if (lo < 0 || hi < 0 || first >= last)
		return count_sql(c, exact_sql, NULL, lo, hi);
	a = count_sql(c, exact_sql, NULL, lo, first * DAY_S);
	m = count_sql(c, days_sql, NULL, first, last);
	b = count_sql(c, exact_sql, NULL, last * DAY_S, hi);
	return a < 0 || m < 0 || b < 0 ? -1 : a + m + b;
}

long long
ecache_queue_count(ecache *c, ecache_queue q, const char *user_id)
{
	time_t now = ecache_now(c);

	if ((unsigned)q >= ECACHE_Q_COUNT) {
		ecache_seterr(c, "no such queue");
		return -1;
	}
	switch (q) {
	case ECACHE_Q_OVERDUE:
		/* due_at >= 0 always; 0 is stored as ECACHE_DUE_NONE */
		return count_due_between(c, 0, (long long)now);
	case ECACHE_Q_DUE_SOON:
		return count_due_between(c, (long long)now, (long long)soon_cutoff(c, now));
	case ECACHE_Q_UNSENT:
		return count_sql(c, "SELECT count(*) FROM dossiers WHERE pending > 0 OR conflict > 0",
				 NULL, 0, 0);
	case ECACHE_Q_MINE:
		if (!user_id || !*user_id)
			return 0;	/* '' stands for "nobody" in queue_counts */
		break;
	default:
		break;
	}
	return count_sql(c, count_sql_of[q], user_id, 0, 0);
}

int
ecache_queue_counts(ecache *c, const char *user_id, long long counts[ECACHE_Q_COUNT])
{
	int q;

	for (q = 0; q < ECACHE_Q_COUNT; q++)
		if ((counts[q] = ecache_queue_count(c, (ecache_queue)q, user_id)) < 0)
			return -1;
	return 0;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Bind a key's sort value to :k and rowid to :r; -1 if it is malformed. */
static int
bind_key(sqlite3_stmt *st, int sort, const char *key)
{
	const char *colon = strrchr(key, ':');
	unsigned char *bytes;
	size_t n, i;
	int ik = sqlite3_bind_parameter_index(st, ":k");
	int ir = sqlite3_bind_parameter_index(st, ":r");
	char *end;

	if (!colon)
		return -1;
	sqlite3_bind_int64(st, ir, strtoll(colon + 1, &end, 10));
	if (*end)
		return -1;
	if ((sort & 0xff) == ECACHE_SORT_DUE || (sort & 0xff) == ECACHE_SORT_RECEIVED) {
		long long v = strtoll(key, &end, 10);
		if (end != colon)
			return -1;
		sqlite3_bind_int64(st, ik, v);
		return 0;
	}
	n = (size_t)(colon - key);
	if (n % 2)
		return -1;
	bytes = malloc(n / 2 + 1);
	if (!bytes)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(key[2 * i]), lo = hexval(key[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(bytes);
			return -1;
		}
		bytes[i] = (unsigned char)(hi << 4 | lo);
	}
	if ((sort & 0xff) == ECACHE_SORT_CODE)
		sqlite3_bind_text(st, ik, (const char *)bytes, (int)(n / 2), free);
	else
		sqlite3_bind_blob(st, ik, bytes, (int)(n / 2), free);
	return 0;
}

/* A long queue in applicant order walks the two tiers of names (fresh.c)
 * side by side, each from the key on, and takes the first rows of both.
 * The names table leads the join (CROSS JOIN), so each arm stops after
 * :lim matches; the outer ORDER BY names ECACHE_ROW_COLUMNS by position
 * (14 the name key, 1 the rowid). */
static void
tiered_by_name(char *sql, size_t len, const char *where, int has_key, const char *cmp,
	       const char *dir)
{
	static const char arm[] =
		"SELECT * FROM (SELECT " ECACHE_ROW_COLUMNS " FROM %s n CROSS JOIN dossiers d"
		" ON d.rid = n.rid WHERE (%s)%s ORDER BY n.name_key %s, n.rid %s LIMIT :lim)";
	char after[64] = "", one[700], two[700];

	if (has_key)
		snprintf(after, sizeof after, " AND (n.name_key, n.rid) %s (:k, :r)", cmp);
	snprintf(one, sizeof one, arm, "names", where, after, dir, dir);
	snprintf(two, sizeof two, arm, "names_fresh", where, after, dir, dir);
	snprintf(sql, len, "%s UNION ALL %s ORDER BY 14 %s, 1 %s LIMIT :lim", one, two, dir, dir);
}

static int
window(ecache *c, ecache_queue q, const char *user_id, int sort, const char *key,
       int limit, int before, ecache_rows *out)
{
	char sql[1600];
	sqlite3_stmt *st = NULL;
	int base = sort & 0xff, desc = (sort & ECACHE_SORT_DESC) != 0;
	int scan_asc = desc == before;	/* forward-ascending or backward-descending */
	int has_key = key && *key;
	const char *col, *dir = scan_asc ? "ASC" : "DESC", *cmp = scan_asc ? ">" : "<";
	char hint[64] = "", after[160] = "", order[96];
	long long size;
	int result = -1, arrival = 0;

	if ((unsigned)q >= ECACHE_Q_COUNT || base >= ECACHE_SORT_COUNT || limit <= 0) {
		ecache_seterr(c, "bad queue, sort or limit");
		return -1;
	}
	col = sort_column[base];
	if ((size = ecache_queue_count(c, q, user_id)) < 0)
		return -1;
	if (size > c->dense_queue) {
		int ready = ecache_sort_index_ready(c, base);
		if (ready < 0)
			return -1;
		arrival = !ready;
		if (ready && ecache_sort_index_name(base))
			snprintf(hint, sizeof hint, " INDEXED BY %s", ecache_sort_index_name(base));
	} else if (filter_index[q])
		snprintf(hint, sizeof hint, " INDEXED BY %s", filter_index[q]);
	if (arrival) {
		if (has_key)
			snprintf(after, sizeof after, " AND d.rowid %s :r", cmp);
		snprintf(order, sizeof order, "d.rowid %s", dir);
	} else {
		if (has_key)
			snprintf(after, sizeof after, " AND (%s, d.rowid) %s (:k, :r)", col, cmp);
		snprintf(order, sizeof order, "%s %s, d.rowid %s", col, dir, dir);
	}
	if (!arrival && size > c->dense_queue && base == ECACHE_SORT_APPLICANT)
		tiered_by_name(sql, sizeof sql, queue_where[q], has_key, cmp, dir);
	else
		snprintf(sql, sizeof sql,
			 "SELECT " ECACHE_ROW_COLUMNS " FROM dossiers d%s WHERE (%s)%s"
			 " ORDER BY %s LIMIT :lim", hint, queue_where[q], after, order);
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		ecache_sqlerr(c, "queue window");
		return -1;
	}
	bind_common(c, st, user_id);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":lim"), limit);
	if (has_key && bind_key(st, sort, key) < 0) {
		ecache_seterr(c, "malformed position key");
		goto cleanup;
	}
	result = ecache_rows_fill(c, st, sort, before, out);
cleanup:
	sqlite3_finalize(st);
	return result;
}

int
ecache_queue_window(ecache *c, ecache_queue q, const char *user_id, int sort,
		    const char *after_key, int limit, ecache_rows *rows_out)
{
	return window(c, q, user_id, sort, after_key, limit, 0, rows_out);
}

int
ecache_queue_window_before(ecache *c, ecache_queue q, const char *user_id,
			   int sort, const char *before_key, int limit,
			   ecache_rows *rows_out)
{
	return window(c, q, user_id, sort, before_key, limit, 1, rows_out);
}
