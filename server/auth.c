/*
 * Authentication: the token endpoint (password and refresh_token grants),
 * logout, /me, and the bearer check every other route goes through.
 *
 * Passwords are stored as crypt(3) yescrypt hashes.  Tokens are 256 random
 * bits from getrandom, stored only as their SHA-256 so a copy of the
 * database does not hold usable tokens.  An access token lives
 * srv->token_ttl seconds; a refresh token 30 days and is rotated on use (the
 * old one is revoked, so a stolen one works at most once).  Failed logins
 * are counted per username, known or not, and after five within five
 * minutes that username gets 429 with Retry-After until a minute passes;
 * a wrong password and an unknown user get the same 401.
 */
#include "config.h"
#include "sim.h"
#include "ident.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFRESH_TTL (30 * 86400)
#define RL_SLOTS 256
#define RL_MAX_FAILURES 5
#define RL_WINDOW 300
#define RL_LOCK 60

typedef struct rl_slot {
	char username[64];
	int failures;
	time_t first, locked_until;
} rl_slot;

int sim_auth_init(sim_server *srv)
{
	srv->ratelimit = calloc(RL_SLOTS, sizeof(rl_slot));
	return srv->ratelimit ? 0 : -1;
}

void sim_auth_release(sim_server *srv)
{
	free(srv->ratelimit);
	srv->ratelimit = NULL;
}

static rl_slot *rl_find(sim_server *srv, const char *username, time_t now)
{
	rl_slot *slots = srv->ratelimit, *oldest = &slots[0];
	size_t i;

	for (i = 0; i < RL_SLOTS; i++) {
		if (strcmp(slots[i].username, username) == 0)
			return &slots[i];
		if (slots[i].first < oldest->first && slots[i].locked_until < now)
			oldest = &slots[i];
	}
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->username, sizeof(oldest->username), "%s", username);
	oldest->first = now;
	return oldest;
}

/* Seconds the username must still wait, or 0. */
static long rl_locked(sim_server *srv, const char *username, time_t now)
{
	rl_slot *s;
	long wait = 0;

	pthread_mutex_lock(&srv->misc_lock);
	s = rl_find(srv, username, now);
	if (s->locked_until > now)
		wait = (long)(s->locked_until - now);
	else if (s->locked_until)
		memset(s->username, 0, sizeof(s->username));
	pthread_mutex_unlock(&srv->misc_lock);
	return wait;
}

static void rl_note(sim_server *srv, const char *username, time_t now, int ok)
{
	rl_slot *s;

	pthread_mutex_lock(&srv->misc_lock);
	s = rl_find(srv, username, now);
	if (ok) {
		memset(s, 0, sizeof(*s));
	} else {
		if (now - s->first > RL_WINDOW) {
			s->first = now;
			s->failures = 0;
		}
		if (++s->failures >= RL_MAX_FAILURES)
			s->locked_until = now + RL_LOCK;
	}
	pthread_mutex_unlock(&srv->misc_lock);
}

char *sim_password_hash(const char *password)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	char *result = NULL, *h;

	if (!cd)
		return NULL;
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) &&
	    (h = crypt_rn(password, salt, cd, sizeof(*cd))) != NULL && h[0] != '*')
		result = strdup(h);
	free(cd);
	return result;
}

static int password_ok(const char *password, const char *hash)
{
	/* A fixed, valid yescrypt hash so unknown users cost the same time. */
	static const char dummy[] =
		"$y$j9T$F5Jx5fExrKuJdjCZ8mHCz.$M5l6fYwHc2cK6IUcNoGwmOnwdYzxy3DDTVDZ.mS8yH6";
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *use = hash && hash[0] == '$' ? hash : dummy;
	char *h;
	int ok = 0;

	if (!cd)
		return 0;
	h = crypt_rn(password, use, cd, sizeof(*cd));
	if (h && use != dummy && strlen(h) == strlen(use)) {
		size_t i;
		unsigned diff = 0;
		for (i = 0; use[i]; i++)
			diff |= (unsigned)(h[i] ^ use[i]);
		ok = diff == 0;
	}
	free(cd);
	return ok;
}

json_t *sim_person_json(const sim_person *p)
{
	static const char *roles[] = { "officer", "supervisor", "support" };

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", p->id, "username", p->username,
			 "full_name", p->full_name, "role", roles[p->role], "agency_id",
			 p->agency_id, "title", p->title);
}

static int insert_token(sqlite3 *db, const char *hash, const char *kind, const char *user,
			const char *pair, time_t expires)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO tokens(hash, kind, user_id, pair, expires_at)"
			       " VALUES (?, ?, ?, ?, ?)", -1, &st, NULL))
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, pair, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)expires);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Issue a new access + refresh pair (inside a write transaction). */
static json_t *issue(sim_request *rq, const sim_person *p, time_t now)
{
	char access[65], refresh[65], ah[65], rh[65];

	if (egov_random_hex(access, 32) < 0 || egov_random_hex(refresh, 32) < 0)
		return NULL;
	sim_sha256_hex(access, 64, ah);
	sim_sha256_hex(refresh, 64, rh);
	if (insert_token(rq->db, ah, "access", p->id, ah, now + rq->srv->token_ttl) < 0 ||
	    insert_token(rq->db, rh, "refresh", p->id, ah, now + REFRESH_TTL) < 0)
		return NULL;
	return json_pack("{s:s, s:s, s:i, s:s, s:o}", "access_token", access, "token_type",
			 "Bearer", "expires_in", rq->srv->token_ttl, "refresh_token", refresh,
			 "user", sim_person_json(p));
}

static int grant_password(sim_request *rq, sim_response *rs, json_t *body, time_t now)
{
	const char *username = json_string_value(json_object_get(body, "username"));
	const char *password = json_string_value(json_object_get(body, "password"));
	const sim_person *p;
	sqlite3_stmt *st = NULL;
	char *hash = NULL;
	json_t *out = NULL;
	long wait;
	int ok;

	if (!username)
		return sim_reply_field(rs, "username", "username is required");
	if (!password)
		return sim_reply_field(rs, "password", "password is required");
	wait = rl_locked(rq->srv, username, now);
	if (wait > 0) {
		snprintf(rs->retry_after, sizeof(rs->retry_after), "%ld", wait);
		return sim_reply_problem(rs, 429, "rate_limited",
					 "too many failed logins; try again in %ld s", wait);
	}
	p = sim_person_by_username(&rq->srv->ref, username);
	if (p && sqlite3_prepare_v2(rq->db, "SELECT password_hash FROM users WHERE id = ?", -1,
				    &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			hash = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	ok = password_ok(password, hash);
	free(hash);
	rl_note(rq->srv, username, now, ok);
	if (!ok)
		return sim_reply_problem(rs, 401, "unauthorized", "wrong username or password");
	if (sim_tx_begin(rq->srv, rq->db) < 0)
		return sim_reply_problem(rs, 503, "internal", "database busy");
	out = issue(rq, p, now);
	sim_tx_end(rq->srv, rq->db, out != NULL);
	if (!out)
		return sim_reply_problem(rs, 500, "internal", "cannot issue a token");
	return sim_reply_json(rs, 200, out);
}

static int grant_refresh(sim_request *rq, sim_response *rs, json_t *body, time_t now)
{
	const char *token = json_string_value(json_object_get(body, "refresh_token"));
	const sim_person *p = NULL;
	sqlite3_stmt *st = NULL;
	json_t *out = NULL;
	char h[65];

	if (!token)
		return sim_reply_field(rs, "refresh_token", "refresh_token is required");
	sim_sha256_hex(token, strlen(token), h);
	if (sim_tx_begin(rq->srv, rq->db) < 0)
		return sim_reply_problem(rs, 503, "internal", "database busy");
	if (sqlite3_prepare_v2(rq->db, "UPDATE tokens SET revoked = 1 WHERE hash = ? AND"
			       " kind = 'refresh' AND revoked = 0 AND expires_at > ?"
			       " RETURNING user_id", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, h, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
		if (sqlite3_step(st) == SQLITE_ROW)
			p = sim_person_find(&rq->srv->ref, (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (p)
		out = issue(rq, p, now);
	sim_tx_end(rq->srv, rq->db, out != NULL);
	if (!out)
		return sim_reply_problem(rs, 401, "unauthorized",
					 "the refresh token is unknown, used or expired");
	return sim_reply_json(rs, 200, out);
}

int sim_h_token(sim_request *rq, sim_response *rs)
{
	json_t *body = sim_body_object(rq, rs);
	const char *grant;
	time_t now = time(NULL);
	int result;

	if (!body)
		return rs->status;
	grant = json_string_value(json_object_get(body, "grant_type"));
	if (!grant)
		result = sim_reply_field(rs, "grant_type", "grant_type is required");
	else if (strcmp(grant, "password") == 0)
		result = grant_password(rq, rs, body, now);
	else if (strcmp(grant, "refresh_token") == 0)
		result = grant_refresh(rq, rs, body, now);
	else
		result = sim_reply_field(rs, "grant_type",
					 "grant_type must be password or refresh_token");
	json_decref(body);
	return result;
}

int sim_authenticate(sim_request *rq, sim_response *rs)
{
	const char *auth = sim_header(rq, "Authorization");
	sqlite3_stmt *st = NULL;
	const sim_person *p = NULL;
	char h[65];

	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0 || !auth[7])
		return sim_reply_problem(rs, 401, "unauthorized", "a bearer token is required"), -1;
	sim_sha256_hex(auth + 7, strlen(auth + 7), h);
	if (sqlite3_prepare_v2(rq->db, "SELECT user_id FROM tokens WHERE hash = ? AND"
			       " kind = 'access' AND revoked = 0 AND expires_at > ?", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, h, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
		if (sqlite3_step(st) == SQLITE_ROW)
			p = sim_person_find(&rq->srv->ref, (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (!p)
		return sim_reply_problem(rs, 401, "unauthorized",
					 "the access token is unknown, revoked or expired"), -1;
	rq->caller.person = p;
	rq->caller.role = p->role;
	snprintf(rq->caller.token_pair, sizeof(rq->caller.token_pair), "%s", h);
	return 0;
}

int sim_h_logout(sim_request *rq, sim_response *rs)
{
	json_t *body = NULL;
	const char *refresh = NULL;
	sqlite3_stmt *st = NULL;
	char h[65] = "";

	if (rq->body_len) {
		body = json_loadb(rq->body, rq->body_len, 0, NULL);
		refresh = json_string_value(json_object_get(body, "refresh_token"));
		if (refresh)
			sim_sha256_hex(refresh, strlen(refresh), h);
	}
	if (sim_tx_begin(rq->srv, rq->db) == 0) {
		if (sqlite3_prepare_v2(rq->db, "UPDATE tokens SET revoked = 1 WHERE pair = ?1 OR"
				       " (hash = ?2 AND user_id = ?3)", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, rq->caller.token_pair, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, h, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, rq->caller.person->id, -1, SQLITE_STATIC);
			sqlite3_step(st);
		}
		sqlite3_finalize(st);
		sim_tx_end(rq->srv, rq->db, 1);
	}
	json_decref(body);
	rs->status = 204;
	return 204;
}

int sim_h_me(sim_request *rq, sim_response *rs)
{
	return sim_reply_json(rs, 200, sim_person_json(rq->caller.person));
}
