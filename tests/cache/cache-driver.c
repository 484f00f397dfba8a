/*
 * cache-driver: one cache operation per run, for the integration and crash
 * tests (the Python scripts in tests/cache/), which drive it against a real egov-sim and
 * compare what it prints (JSON) with what the server says.
 *
 *   cache-driver sync DB URL USER PASSWORD   login, one blocking round
 *   cache-driver act DB DOSSIER ACTION [k=v ...]   queue an action
 *   cache-driver dump DB          dossiers (server copies) and outbox
 *   cache-driver search DB TEXT   search results
 *   cache-driver counts DB USERID the work counters
 *   cache-driver resolve DB SEQ redo|discard
 *
 * Exit status: 0 success, 1 the operation failed (message on stderr),
 * 2 usage.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cache.h"

static int
login(eapi_client *cl, const char *user, const char *password)
{
	eapi_completion *comp;
	uint64_t id = eapi_login(cl, user, password, NULL);
	int ok;

	if (!id)
		return -1;
	comp = eapi_wait(cl, id);
	ok = comp && comp->error.result == EAPI_OK;
	if (!ok)
		fprintf(stderr, "login: %s\n", comp ? comp->error.message : "no answer");
	eapi_completion_free(comp);
	return ok ? 0 : -1;
}

static int
cmd_sync(ecache *c, char **argv)
{
	eapi_options o;
	eapi_client *cl;
	ecache_sync_options so;
	ecache_sync_report rep;
	char err[256];
	int r;

	eapi_options_init(&o);
	o.base_url = argv[0];
	o.max_retries = 3;
	o.retry_base_ms = 50;
	o.retry_max_ms = 500;
	o.default_deadline_ms = 20000;
	cl = eapi_client_new(&o, err, sizeof err);
	if (!cl) {
		fprintf(stderr, "client: %s\n", err);
		return 1;
	}
	if (login(cl, argv[1], argv[2]) < 0) {
		eapi_client_free(cl);
		return 1;
	}
	ecache_sync_options_init(&so);
	so.page_limit = getenv("CACHE_DRIVER_PAGE") ? atoi(getenv("CACHE_DRIVER_PAGE")) : 100;
	r = ecache_sync_run(c, cl, &so, &rep);
	printf("{\"ok\":%s,\"pushed\":%lld,\"done\":%lld,\"retry\":%lld,\"conflicts\":%lld,"
	       "\"failed\":%lld,\"pages\":%lld,\"changes\":%lld,\"restarted\":%d}\n",
	       rep.ok ? "true" : "false", rep.pushed, rep.done, rep.retry, rep.conflicts,
	       rep.failed, rep.pages, rep.changes, rep.restarted);
	if (r < 0)
		fprintf(stderr, "sync: %s\n", rep.error);
	eapi_client_free(cl);
	return r < 0 ? 1 : 0;
}

static int
cmd_act(ecache *c, int argc, char **argv)
{
	eapi_action a;
	char key[37];
	long long seq;
	int i;

	memset(&a, 0, sizeof a);
	a.dossier_id = argv[0];
	a.action = argv[1];
	for (i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			return 2;
		*eq++ = '\0';
		if (!strcmp(argv[i], "note")) a.note = eq;
		else if (!strcmp(argv[i], "reason")) a.reason = eq;
		else if (!strcmp(argv[i], "assignee_id")) a.assignee_id = eq;
		else if (!strcmp(argv[i], "method")) a.method = eq;
		else if (!strcmp(argv[i], "text")) a.text = eq;
		else if (!strcmp(argv[i], "new_due_at")) a.new_due_at = eq;
		else if (!strcmp(argv[i], "deadline_days")) a.deadline_days = atoi(eq);
		else return 2;
	}
	seq = ecache_act(c, &a, key);
	if (seq < 0) {
		fprintf(stderr, "act: %s\n", ecache_errmsg(c));
		return 1;
	}
	printf("{\"seq\":%lld,\"key\":\"%s\"}\n", seq, key);
	return 0;
}

static json_t *
rows_json(const ecache_rows *r)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s?, s:s, s:I, s:i, s:s?}",
			"id", r->rows[i].id, "code", r->rows[i].code,
			"applicant", r->rows[i].applicant_name,
			"state", eapi_state_str(r->rows[i].state),
			"version", (json_int_t)r->rows[i].version, "pending", r->rows[i].pending,
			"assignee", r->rows[i].assignee_id));
	return a;
}

static int
cmd_dump(ecache *c)
{
	json_t *out = json_object(), *ds = json_object(), *ob = json_array();
	ecache_outbox_list l;
	ecache_status st;
	ecache_rows r;
	char *key = NULL;
	size_t i;
	int got;

	ecache_rows_init(&r);
	do {
		got = ecache_queue_window(c, ECACHE_Q_ALL, NULL, ECACHE_SORT_CODE, key, 200, &r);
		if (got < 0)
			break;
		for (i = 0; i < r.n; i++) {
			eapi_dossier *d = ecache_dossier_get_server(c, r.rows[i].id);
			if (!d)
				continue;
			json_object_set_new(ds, d->id, json_pack("{s:I, s:s, s:s?}",
				"version", (json_int_t)d->version, "state", eapi_state_str(d->state),
				"assignee", d->assignee_id));
			eapi_dossier_free(d);
		}
		free(key);
		key = r.n ? strdup(r.rows[r.n - 1].key) : NULL;
	} while (got == 200);
	free(key);
	ecache_rows_release(&r);
	ecache_outbox_list_init(&l);
	ecache_outbox_list_get(c, ECACHE_OUTBOX_ALL, NULL, &l);
	for (i = 0; i < l.n; i++)
		json_array_append_new(ob, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:i, s:s?, s:I}",
			"seq", (json_int_t)l.rows[i].seq, "dossier", l.rows[i].dossier_id,
			"action", l.rows[i].action, "key", l.rows[i].idempotency_key,
			"status", ecache_out_status_name(l.rows[i].status),
			"if_match", (json_int_t)l.rows[i].if_match, "attempts", l.rows[i].attempts,
			"reason", l.rows[i].reason, "http", (json_int_t)l.rows[i].http_status));
	ecache_outbox_list_release(&l);
	ecache_status_get(c, &st);
	json_object_set_new(out, "dossiers", ds);
	json_object_set_new(out, "outbox", ob);
	json_object_set_new(out, "cursor", json_string(st.cursor));
	json_dumpf(out, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(out);
	return got < 0 ? 1 : 0;
}

static int
cmd_search(ecache *c, const char *text)
{
	ecache_rows r;
	json_t *a;

	ecache_rows_init(&r);
	if (ecache_search(c, text, 50, &r) < 0) {
		fprintf(stderr, "search: %s\n", ecache_errmsg(c));
		return 1;
	}
	a = rows_json(&r);
	json_dumpf(a, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(a);
	ecache_rows_release(&r);
	return 0;
}

static int
cmd_counts(ecache *c, const char *user)
{
	long long counts[ECACHE_Q_COUNT];
	int q;

	if (ecache_queue_counts(c, user, counts) < 0) {
		fprintf(stderr, "counts: %s\n", ecache_errmsg(c));
		return 1;
	}
	printf("{");
	for (q = 0; q < ECACHE_Q_COUNT; q++)
		printf("%s\"%s\":%lld", q ? "," : "", ecache_queue_name((ecache_queue)q), counts[q]);
	printf("}\n");
	return 0;
}

int
main(int argc, char **argv)
{
	char err[256];
	ecache *c;
	int r = 2;

	if (argc < 3) {
		fprintf(stderr, "usage: cache-driver sync|act|dump|search|counts|resolve DB ...\n");
		return 2;
	}
	c = ecache_open_path(argv[2], err, sizeof err);
	if (!c) {
		fprintf(stderr, "open: %s\n", err);
		return 1;
	}
	if (!strcmp(argv[1], "sync") && argc == 6)
		r = cmd_sync(c, argv + 3);
	else if (!strcmp(argv[1], "act") && argc >= 5)
		r = cmd_act(c, argc - 3, argv + 3);
	else if (!strcmp(argv[1], "dump"))
		r = cmd_dump(c);
	else if (!strcmp(argv[1], "search") && argc == 4)
		r = cmd_search(c, argv[3]);
	else if (!strcmp(argv[1], "counts") && argc == 4)
		r = cmd_counts(c, argv[3]);
	else if (!strcmp(argv[1], "resolve") && argc == 5) {
		r = ecache_resolve(c, atoll(argv[3]), strcmp(argv[4], "redo") == 0
				   ? ECACHE_RESOLVE_REDO : ECACHE_RESOLVE_DISCARD) < 0;
		if (r)
			fprintf(stderr, "resolve: %s\n", ecache_errmsg(c));
	}
	if (r == 2)
		fprintf(stderr, "cache-driver: bad arguments\n");
	ecache_close(c);
	return r;
}
