/*
 * Vietnamese folding and collation on top of utf8proc.
 *
 * utf8proc does the Unicode work (NFC, NFD, case folding, mark stripping);
 * what is Vietnamese is done here: đ, the alphabet order with ă â ê ô ơ ư as
 * letters of their own, and the tone order used in dictionaries.
 */
#include "config.h"
#include "vntext.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int vn_utf8_valid(const char *s, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;

	while (len > 0) {
		utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &cp);
		if (n <= 0)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

/* Copy s, replacing every invalid sequence with U+FFFD, so utf8proc_map()
 * never fails on hostile input. */
static char *repair_utf8(const char *s)
{
	size_t len = strlen(s), o = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	char *out = malloc(len * 3 + 1);
	utf8proc_int32_t cp;

	if (!out)
		return NULL;
	while (len > 0) {
		utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &cp);
		if (n <= 0) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			n = 1;
		} else {
			memcpy(out + o, p, (size_t)n);
			o += (size_t)n;
		}
		p += n;
		len -= (size_t)n;
	}
	out[o] = '\0';
	return out;
}

static char *map_utf8(const char *s, int options)
{
	utf8proc_uint8_t *out = NULL;
	char *fixed = repair_utf8(s ? s : "");

	if (!fixed)
		return NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)fixed, 0, &out,
			 (utf8proc_option_t)(UTF8PROC_NULLTERM | options)) < 0)
		out = NULL;
	free(fixed);
	return (char *)out;
}

char *vn_nfc(const char *s)
{
	return map_utf8(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

/* The whole Unicode fold, for any text. */
static char *fold_slow(const char *s)
{
	char *folded = map_utf8(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE |
				       UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
	char *r, *w;

	if (!folded)
		return NULL;
	/* đ (U+0111, C4 91) and Đ (U+0110, already case-folded to đ) -> d. */
	for (r = w = folded; *r; ) {
		if ((unsigned char)r[0] == 0xC4 && ((unsigned char)r[1] == 0x91 ||
						    (unsigned char)r[1] == 0x90)) {
			*w++ = 'd';
			r += 2;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return folded;
}

/* The fast path.  Text in the Latin ranges Vietnamese is written in folds
 * one code point at a time to what the whole fold gives: marks are
 * dropped, case folding looks at one character, and with the marks gone
 * nothing is left for composition to join (it joins only Hangul jamo
 * outside these ranges).  So each code point's fold is computed once, by
 * fold_slow(), into a table, and a string is the concatenation of its
 * code points' entries; anything outside the ranges, or invalid UTF-8,
 * takes the slow path whole.  utf8proc's fold per string was a quarter
 * of what storing a dossier cost (bench/bench-cache); the unit test
 * compares both paths on every code point and on random strings. */
enum { FOLD_LATIN_END = 0x250, FOLD_MARKS = 0x300, FOLD_MARKS_END = 0x370,
       FOLD_EXT = 0x1E00, FOLD_EXT_END = 0x1F00 };
static struct fold_entry {
	unsigned char len;
	char text[7];
} fold_table[FOLD_LATIN_END + (FOLD_MARKS_END - FOLD_MARKS) + (FOLD_EXT_END - FOLD_EXT)];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;
static int fold_ready;

static int fold_slot(long cp)
{
	if (cp < FOLD_LATIN_END)
		return (int)cp;
	if (cp >= FOLD_MARKS && cp < FOLD_MARKS_END)
		return (int)(FOLD_LATIN_END + cp - FOLD_MARKS);
	if (cp >= FOLD_EXT && cp < FOLD_EXT_END)
		return (int)(FOLD_LATIN_END + (FOLD_MARKS_END - FOLD_MARKS) + cp - FOLD_EXT);
	return -1;
}

static void fold_table_build(void)
{
	static const long ranges[][2] = {
		{ 1, FOLD_LATIN_END }, { FOLD_MARKS, FOLD_MARKS_END }, { FOLD_EXT, FOLD_EXT_END },
	};
	size_t r;

	for (r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
		long cp;
		for (cp = ranges[r][0]; cp < ranges[r][1]; cp++) {
			utf8proc_uint8_t one[5] = { 0 };
			char *f;
			size_t n;
			utf8proc_encode_char((utf8proc_int32_t)cp, one);
			if (!(f = fold_slow((const char *)one)))
				return;		/* out of memory: the slow path stays */
			n = strlen(f);
			if (n < sizeof fold_table[0].text) {
				struct fold_entry *e = &fold_table[fold_slot(cp)];
				e->len = (unsigned char)n;
				memcpy(e->text, f, n);
			} else {
				free(f);
				return;
			}
			free(f);
		}
	}
	fold_ready = 1;
}

/* NULL when the text needs the slow path (or memory ran out). */
static char *fold_fast(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0;
	char *out;

	pthread_once(&fold_once, fold_table_build);
	if (!fold_ready || !(out = malloc(len * 4 + 1)))
		return NULL;
	while (len > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;
		int slot;
		if (*p < 0x80) {
			out[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			p++;
			len--;
			continue;
		}
		n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &cp);
		if (n <= 0 || (slot = fold_slot(cp)) < 0) {
			free(out);
			return NULL;
		}
		memcpy(out + o, fold_table[slot].text, fold_table[slot].len);
		o += fold_table[slot].len;
		p += n;
		len -= (size_t)n;
	}
	out[o] = '\0';
	return out;
}

char *vn_fold(const char *s)
{
	char *f = fold_fast(s ? s : "");

	return f ? f : fold_slow(s);
}

char *vn_fold_unicode(const char *s)
{
	return fold_slow(s);
}

/* Weights: 0 ends the primary part; space and punctuation sort before
 * digits, digits before letters, letters in Vietnamese order, everything
 * else after by code point. */
enum { W_LETTER = 0x100, W_OTHER = 0x1000 };

static const char alphabet_base[] = "aaabcddeeghiklmnooopqrstuuvxy";
/* Modifier per letter slot: 0 none, 1 breve, 2 circumflex, 3 horn, 4 stroke. */
static const unsigned char alphabet_mod[] = {
	0, 1, 2, 0, 0, 0, 4, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0
};

static uint32_t letter_weight(utf8proc_int32_t base, int mod)
{
	size_t i;

	for (i = 0; alphabet_base[i]; i++)
		if (alphabet_base[i] == base && alphabet_mod[i] == mod)
			return W_LETTER + (uint32_t)i;
	if (base >= 'a' && base <= 'z')	/* f j w z: foreign letters, after */
		return W_LETTER + 64 + (uint32_t)(base - 'a');
	return 0;
}

static int tone_of(utf8proc_int32_t mark)
{
	switch (mark) {
	case 0x0300: return 1;	/* huyền */
	case 0x0309: return 2;	/* hỏi */
	case 0x0303: return 3;	/* ngã */
	case 0x0301: return 4;	/* sắc */
	case 0x0323: return 5;	/* nặng */
	default: return -1;
	}
}

static int modifier_of(utf8proc_int32_t mark)
{
	switch (mark) {
	case 0x0306: return 1;
	case 0x0302: return 2;
	case 0x031B: return 3;
	default: return -1;
	}
}

unsigned char *vn_sort_key(const char *s, size_t *len)
{
	utf8proc_int32_t *cps = NULL;
	unsigned char *key = NULL, *tones;
	char *fixed = repair_utf8(s ? s : "");
	utf8proc_ssize_t n, i, nchars = 0;
	size_t o = 0;

	if (!fixed)
		return NULL;
	n = utf8proc_decompose((const utf8proc_uint8_t *)fixed, 0, NULL, 0,
			       UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
	if (n < 0)
		goto done;
	cps = malloc(((size_t)n + 1) * sizeof(*cps));
	if (!cps)
		goto done;
	n = utf8proc_decompose((const utf8proc_uint8_t *)fixed, 0, cps, n,
			       UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
	if (n < 0)
		goto done;
	key = malloc((size_t)n * 4 + 4);
	tones = malloc((size_t)n + 1);
	if (!key || !tones) {
		free(key);
		free(tones);
		key = NULL;
		goto done;
	}
	for (i = 0; i < n; ) {
		utf8proc_int32_t base = cps[i++];
		int mod = 0, tone = 0;
		uint32_t w;

		if (base == 0x0111)
			base = 'd', mod = 4;
		while (i < n && utf8proc_get_property(cps[i])->combining_class != 0) {
			int m = modifier_of(cps[i]), t = tone_of(cps[i]);
			if (m >= 0)
				mod = m;
			if (t >= 0)
				tone = t;
			i++;
		}
		if (base == ' ')
			w = 1;
		else if (base >= '0' && base <= '9')
			w = 0x10 + (uint32_t)(base - '0');
		else if ((w = letter_weight(base, mod)) == 0 &&
			 (w = letter_weight(base, 0)) == 0)
			w = base < 0x80 ? 2 + (uint32_t)(base >= '0') : W_OTHER + (uint32_t)base;
		key[o++] = (unsigned char)(w >> 16);
		key[o++] = (unsigned char)(w >> 8);
		key[o++] = (unsigned char)w;
		tones[nchars++] = (unsigned char)(tone + 1);
	}
	key[o++] = 0;
	key[o++] = 0;
	key[o++] = 0;
	memcpy(key + o, tones, (size_t)nchars);
	o += (size_t)nchars;
	free(tones);
	*len = o;
done:
	free(cps);
	free(fixed);
	return key;
}

unsigned char *vn_name_sort_key(const char *full_name, size_t *len)
{
	const char *name = full_name ? full_name : "";
	const char *end = name + strlen(name), *last;
	unsigned char *key;
	char *reordered;

	while (end > name && end[-1] == ' ')
		end--;
	last = end;
	while (last > name && last[-1] != ' ')
		last--;
	reordered = malloc(strlen(name) + 2);
	if (!reordered)
		return NULL;
	/* "Nguyễn Văn Đức" sorts as "Đức Nguyễn Văn". */
	memcpy(reordered, last, (size_t)(end - last));
	reordered[end - last] = ' ';
	memcpy(reordered + (end - last) + 1, name, (size_t)(last - name));
	reordered[(end - last) + 1 + (last - name)] = '\0';
	key = vn_sort_key(reordered, len);
	free(reordered);
	return key;
}

static int compare_keys(unsigned char *ka, size_t la, unsigned char *kb, size_t lb)
{
	int c;

	if (!ka || !kb)
		c = (ka != NULL) - (kb != NULL);
	else {
		c = memcmp(ka, kb, la < lb ? la : lb);
		if (c == 0)
			c = (la > lb) - (la < lb);
	}
	free(ka);
	free(kb);
	return c;
}

int vn_collate(const char *a, const char *b)
{
	size_t la = 0, lb = 0;
	unsigned char *ka = vn_sort_key(a, &la), *kb = vn_sort_key(b, &lb);

	return compare_keys(ka, la, kb, lb);
}

int vn_name_collate(const char *a, const char *b)
{
	size_t la = 0, lb = 0;
	unsigned char *ka = vn_name_sort_key(a, &la), *kb = vn_name_sort_key(b, &lb);

	return compare_keys(ka, la, kb, lb);
}
