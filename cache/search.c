/*
 * Search as the person types: full-text over dossier number, applicant,
 * subject and procedure name, ignoring case and Vietnamese diacritics.
 *
 * The index holds vn_fold()ed text (dossiers.c), which maps đ to d; the
 * tokenizer's remove_diacritics only catches what folding might have left.
 * The person's text is folded the same way, cut into words on anything
 * that is not a letter or digit, and each word becomes a quoted FTS5
 * string with a trailing * (a prefix): `nguyen van du` is
 * "nguyen"* "van"* "du"*, all of which must match.  Words of one letter
 * are left out: as prefixes they match a large part of the city (every
 * "n..." name) and would cost a first keystroke hundreds of milliseconds
 * on a big cache while narrowing nothing; the next letter brings them in.  Quoting makes every
 * word a literal, so FTS5 operators (OR, NOT, NEAR, column filters, ^) and
 * quotes in the text are plain words, and the query is passed as a bound
 * parameter, never spliced into SQL.  Results come newest first by rowid,
 * which FTS5 can produce without sorting.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vntext.h"

#define MAX_WORDS 16

static int
is_word_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch >= 0x80;
}

/* The FTS5 query for a person's text, or "" when it has no words.  Caller
 * frees; NULL when memory runs out. */
static char *
build_query(const char *text)
{
	char *folded = vn_fold(text ? text : ""), *out = NULL;
	size_t n = 0, words = 0;
	const char *p;

	if (!folded)
		return NULL;
	/* each byte at most once, plus quotes, star and space per word */
	out = malloc(strlen(folded) + 4 * MAX_WORDS + 1);
	if (!out)
		goto cleanup;
	p = folded;
	while (*p && words < MAX_WORDS) {
		const char *start;
		while (*p && !is_word_byte((unsigned char)*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && is_word_byte((unsigned char)*p))
			p++;
		if (p - start < 2)
			continue;
		if (words++)
			out[n++] = ' ';
		out[n++] = '"';
		memcpy(out + n, start, (size_t)(p - start));
		n += (size_t)(p - start);
		out[n++] = '"';
		out[n++] = '*';
	}
	out[n] = '\0';
cleanup:
	free(folded);
	return out;
}

int
ecache_search(ecache *c, const char *text, int limit, ecache_rows *rows_out)
{
	sqlite3_stmt *st;
	char *query = build_query(text);
	int result = -1;

	ecache_rows_release(rows_out);
	if (!query) {
		ecache_seterr(c, "out of memory");
		return -1;
	}
	if (!*query || limit <= 0) {
		result = 0;
		goto cleanup;
	}
	st = ecache_stmt(c,
		"SELECT " ECACHE_ROW_COLUMNS " FROM dossiers d WHERE d.rowid IN "
		"(SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?1 "
		" ORDER BY rowid DESC LIMIT ?2) ORDER BY d.rowid DESC");
	if (!st)
		goto cleanup;
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	result = ecache_rows_fill(c, st, ECACHE_SORT_DUE, 0, rows_out);
	sqlite3_reset(st);
cleanup:
	free(query);
	return result;
}

/* One share of the search index's merging, on any connection to the file.
 * Schema v6 turned FTS5's own merging off: it ran inside each commit and
 * was half of what a page of new dossiers wrote.  The cache's thread calls
 * this after pages instead (checkpoint.c).  A merge joins the segments of
 * a level once it holds `usermerge` (8) of them and writes about 256 pages
 * per call; FTS5's crisis merge still bounds a level at 16 segments if the
 * thread falls behind.  1 when there was work, 0 when none is left, -1 on
 * error; FTS5 changes the total change count by 2 or more when it worked. */
int
ecache_search_merge_step(sqlite3 *db)
{
	sqlite3_int64 before = sqlite3_total_changes64(db);

	if (sqlite3_exec(db, "INSERT INTO dossier_fts(dossier_fts, rank) VALUES ('merge', 256)",
			 NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	return sqlite3_total_changes64(db) - before >= 2;
}
