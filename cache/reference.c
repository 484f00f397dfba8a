/*
 * Reference data in the cache: agencies, the procedure catalogue, the users
 * work can be assigned to, and the logged-in person, each stored with the
 * ETag of the answer it came from so the sync engine can ask
 * "If-None-Match" and mostly hear 304.  The calendar is in calendar.c.
 *
 * Each put replaces the whole set (or the whole agency's users) in one
 * transaction: the server always sends complete lists.  Gets build the
 * libegovapi structures with malloc, so callers free them with the
 * library's own free functions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "reference.h"
#include "vntext.h"

static const char *
ref_kind(ecache_ref kind)
{
	static const char *const names[] = { "agencies", "procedures", "users", "calendar", "me" };
	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

static void
etag_key(ecache_ref kind, const char *scope, char *out, size_t outlen)
{
	if (scope && *scope)
		snprintf(out, outlen, "%s:%s", ref_kind(kind), scope);
	else
		snprintf(out, outlen, "%s", ref_kind(kind));
}

int
ecache_ref_etag(ecache *c, ecache_ref kind, const char *scope, char *out, size_t outlen)
{
	char key[160];
	sqlite3_stmt *st = ecache_stmt(c, "SELECT etag FROM etags WHERE kind = ?1");
	int rc;

	out[0] = '\0';
	if (!st)
		return -1;
	etag_key(kind, scope, key, sizeof key);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ecache_sqlerr(c, "etag");
}

time_t
ecache_ref_fetched_at(ecache *c, ecache_ref kind, const char *scope)
{
	char key[160];
	sqlite3_stmt *st = ecache_stmt(c, "SELECT fetched_at FROM etags WHERE kind = ?1");
	time_t t = 0;

	if (!st)
		return 0;
	etag_key(kind, scope, key, sizeof key);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		t = (time_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return t;
}

int
ecache_ref_touch(ecache *c, ecache_ref kind, const char *scope, const char *etag)
{
	char key[160];
	sqlite3_stmt *st = etag
		? ecache_stmt(c, "INSERT INTO etags(kind, etag, fetched_at) VALUES (?1, ?2, ?3) "
			      "ON CONFLICT(kind) DO UPDATE SET etag = excluded.etag, "
			      "fetched_at = excluded.fetched_at")
		: ecache_stmt(c, "UPDATE etags SET fetched_at = ?3 WHERE kind = ?1");
	int rc;

	if (!st)
		return -1;
	etag_key(kind, scope, key, sizeof key);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (etag)
		sqlite3_bind_text(st, 2, etag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (long long)time(NULL));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : ecache_sqlerr(c, "etag");
}

int
ecache_put_agencies(ecache *c, const eapi_agency_list *l, const char *etag)
{
	sqlite3_stmt *st;
	size_t i;

	if (ecache_begin(c) < 0)
		return -1;
	if (ecache_exec(c, "DELETE FROM agencies") < 0)
		goto fail;
	for (i = 0; i < l->n; i++) {
		const eapi_agency *a = &l->items[i];
		if (!(st = ecache_stmt(c, "INSERT OR REPLACE INTO agencies(id, code, name, short_name,"
				       " parent_id, level) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")))
			goto fail;
		sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, a->code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, a->short_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, a->parent_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, a->level);
		if (ecache_step_done(c, st, "agencies") < 0)
			goto fail;
	}
	if (ecache_ref_touch(c, ECACHE_REF_AGENCIES, NULL, etag ? etag : "") < 0)
		goto fail;
	return ecache_commit(c);
fail:
	ecache_rollback(c);
	return -1;
}

#define COL(i) ecache_strdup((const char *)sqlite3_column_text(st, (i)))

static void
agency_from_row(sqlite3_stmt *st, void *item)
{
	eapi_agency *a = item;

	a->id = COL(0); a->code = COL(1); a->name = COL(2);
	a->short_name = COL(3); a->parent_id = COL(4);
	a->level = (eapi_agency_level)sqlite3_column_int(st, 5);
}

eapi_agency_list *
ecache_get_agencies(ecache *c)
{
	sqlite3_stmt *st = ecache_stmt(c, "SELECT id, code, name, short_name, parent_id, level "
				       "FROM agencies ORDER BY code, id");
	eapi_agency_list *l = calloc(1, sizeof *l);

	c->errmsg[0] = '\0';
	if (!st || !l ||
	    ecache_step_rows(c, st, &l->items, &l->n, sizeof *l->items, agency_from_row,
			     "agencies") < 0 ||
	    l->n == 0) {
		eapi_agency_list_free(l);
		return NULL;
	}
	return l;
}

static int
put_user(ecache *c, const char *scope, const eapi_user *u)
{
	sqlite3_stmt *st = ecache_stmt(c,
		"INSERT OR REPLACE INTO users(id, scope, username, full_name, agency_id, title,"
		" role, name_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	size_t keylen = 0;
	unsigned char *key;
	int r;

	if (!st)
		return -1;
	key = vn_name_sort_key(u->full_name ? u->full_name : "", &keylen);
	if (!key) {
		ecache_seterr(c, "out of memory");
		return -1;
	}
	sqlite3_bind_text(st, 1, u->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, u->full_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, u->agency_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, u->title, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, u->role);
	sqlite3_bind_blob(st, 8, key, (int)keylen, SQLITE_STATIC);
	r = ecache_step_done(c, st, "users");
	free(key);
	return r;
}

int
ecache_put_users(ecache *c, const char *agency_id, const eapi_user_list *l, const char *etag)
{
	sqlite3_stmt *st;
	const char *scope = agency_id ? agency_id : "";
	size_t i;

	if (ecache_begin(c) < 0)
		return -1;
	if (!(st = ecache_stmt(c, "DELETE FROM users WHERE scope = ?1")))
		goto fail;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	if (ecache_step_done(c, st, "users") < 0)
		goto fail;
	for (i = 0; i < l->n; i++)
		if (put_user(c, scope, &l->items[i]) < 0)
			goto fail;
	if (ecache_ref_touch(c, ECACHE_REF_USERS, agency_id, etag ? etag : "") < 0)
		goto fail;
	return ecache_commit(c);
fail:
	ecache_rollback(c);
	return -1;
}

static void
user_from_row(sqlite3_stmt *st, void *item)
{
	eapi_user *u = item;

	u->id = COL(0); u->username = COL(1); u->full_name = COL(2);
	u->agency_id = COL(3); u->title = COL(4);
	u->role = (eapi_role)sqlite3_column_int(st, 5);
}

eapi_user_list *
ecache_get_users(ecache *c, const char *agency_id)
{
	sqlite3_stmt *st = agency_id
		? ecache_stmt(c, "SELECT id, username, full_name, agency_id, title, role FROM users "
			      "WHERE scope = ?1 GROUP BY id ORDER BY name_key, id")
		: ecache_stmt(c, "SELECT id, username, full_name, agency_id, title, role FROM users "
			      "WHERE scope <> 'me' GROUP BY id ORDER BY name_key, id");
	eapi_user_list *l = calloc(1, sizeof *l);

	c->errmsg[0] = '\0';
	if (st && agency_id)
		sqlite3_bind_text(st, 1, agency_id, -1, SQLITE_STATIC);
	if (!st || !l ||
	    ecache_step_rows(c, st, &l->items, &l->n, sizeof *l->items, user_from_row,
			     "users") < 0 ||
	    l->n == 0) {
		eapi_user_list_free(l);
		return NULL;
	}
	return l;
}

static eapi_user *
get_user_scoped(ecache *c, const char *id, int me)
{
	sqlite3_stmt *st = me
		? ecache_stmt(c, "SELECT id, username, full_name, agency_id, title, role FROM users "
			      "WHERE scope = 'me' LIMIT 1")
		: ecache_stmt(c, "SELECT id, username, full_name, agency_id, title, role FROM users "
			      "WHERE id = ?1 LIMIT 1");
	eapi_user *u = NULL;
	int rc;

	c->errmsg[0] = '\0';
	if (!st)
		return NULL;
	if (!me)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (u = calloc(1, sizeof *u)))
		user_from_row(st, u);
	else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ecache_sqlerr(c, "users");
	sqlite3_reset(st);
	return u;
}

eapi_user *
ecache_get_user(ecache *c, const char *id)
{
	return get_user_scoped(c, id, 0);
}

int
ecache_put_me(ecache *c, const eapi_user *me)
{
	sqlite3_stmt *st;

	if (ecache_begin(c) < 0)
		return -1;
	if (!(st = ecache_stmt(c, "DELETE FROM users WHERE scope = 'me'")) ||
	    ecache_step_done(c, st, "users") < 0 || put_user(c, "me", me) < 0 ||
	    ecache_ref_touch(c, ECACHE_REF_ME, NULL, "") < 0) {
		ecache_rollback(c);
		return -1;
	}
	return ecache_commit(c);
}

eapi_user *
ecache_get_me(ecache *c)
{
	return get_user_scoped(c, NULL, 1);
}
