/*
 * Unit tests for the Vietnamese folding and collation in common/vntext.c:
 * the examples of domain.md, đ, both tone placements, hostile bytes.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vntext.h"

static void assert_fold(const char *in, const char *want)
{
	char *got = vn_fold(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void fold_drops_marks_and_maps_d(void **state)
{
	(void)state;
	assert_fold("Nguyễn Văn Đức", "nguyen van duc");
	assert_fold("Đống Đa", "dong da");
	assert_fold("ĐƯỜNG LÊ LỢI", "duong le loi");
	assert_fold("đ", "d");
}

static void fold_equates_old_and_new_tone_placement(void **state)
{
	(void)state;
	assert_fold("Hoà Bình", "hoa binh");
	assert_fold("Hòa Bình", "hoa binh");
	assert_fold("Thuỷ Nguyên", "thuy nguyen");
	assert_fold("Thủy Nguyên", "thuy nguyen");
	/* Decomposed input folds like composed input. */
	assert_fold("Ho\xcc\x80" "a", "hoa");
}

static void fold_repairs_invalid_utf8(void **state)
{
	char *got;

	(void)state;
	got = vn_fold("ab\xff\xfe" "c");
	assert_non_null(got);
	assert_true(vn_utf8_valid(got, strlen(got)));
	assert_non_null(strstr(got, "ab"));
	free(got);
	assert_false(vn_utf8_valid("\xc3", 1));
	assert_true(vn_utf8_valid("Đức", strlen("Đức")));
}

/* UTF-8 for one code point; returns the bytes written. */
static size_t put_cp(char *out, long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static void assert_same_fold(const char *s)
{
	char *fast = vn_fold(s), *whole = vn_fold_unicode(s);

	assert_non_null(fast);
	assert_non_null(whole);
	if (strcmp(fast, whole) != 0)
		fail_msg("fold of \"%s\": table \"%s\", utf8proc \"%s\"", s, fast, whole);
	free(fast);
	free(whole);
}

/* vn_fold() folds the Latin ranges through a table, one code point at a
 * time; it must give what utf8proc's whole-string fold gives: on every
 * code point of the ranges and some beyond, and on random strings mixing
 * letters, precomposed Vietnamese, combining marks, Greek and Hangul jamo
 * (which compose across code points). */
static void fold_table_equals_whole_fold(void **state)
{
	static const long beyond[] = { 0x370, 0x3A3, 0x3C2, 0x400, 0x42F, 0x1100, 0x1161,
				       0x11A8, 0xAC00, 0x1F600, 0x2028, 0xFB01, 0xFF21 };
	static const long pool_ranges[][2] = {
		{ 0x20, 0x7F }, { 0xC0, 0x250 }, { 0x300, 0x370 }, { 0x1EA0, 0x1EFA },
		{ 0x1E00, 0x1F00 }, { 0x390, 0x3D0 }, { 0x1100, 0x1176 }, { 0x11A8, 0x11C3 },
	};
	char buf[64];
	unsigned long long rng = 0x9E3779B97F4A7C15ULL;
	long cp;
	size_t i;
	int k;

	(void)state;
	for (cp = 1; cp < 0x2000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		buf[put_cp(buf, cp)] = '\0';
		assert_same_fold(buf);
	}
	for (i = 0; i < sizeof beyond / sizeof beyond[0]; i++) {
		buf[put_cp(buf, beyond[i])] = '\0';
		assert_same_fold(buf);
	}
	for (k = 0; k < 100000; k++) {
		size_t o = 0;
		int n, j;
		rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
		n = 1 + (int)(rng % 10);
		for (j = 0; j < n; j++) {
			const long *r;
			rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
			r = pool_ranges[rng % (sizeof pool_ranges / sizeof pool_ranges[0])];
			o += put_cp(buf + o, r[0] + (long)((rng >> 8) % (unsigned long long)(r[1] - r[0])));
		}
		buf[o] = '\0';
		assert_same_fold(buf);
	}
}

static void nfc_composes(void **state)
{
	char *got = vn_nfc("Ho\xcc\x80" "a");

	(void)state;
	assert_string_equal(got, "Hòa");
	free(got);
}

static int cmp_names(const void *a, const void *b)
{
	return vn_name_collate(*(const char *const *)a, *(const char *const *)b);
}

static void alphabet_order(void **state)
{
	(void)state;
	/* a < ă < â < b; d < đ < e; o < ô < ơ < p; u < ư < v */
	assert_true(vn_collate("an", "ăn") < 0);
	assert_true(vn_collate("ăn", "ân") < 0);
	assert_true(vn_collate("ân", "bn") < 0);
	assert_true(vn_collate("dê", "đa") < 0);
	assert_true(vn_collate("đz", "ea") < 0);
	assert_true(vn_collate("oz", "ôa") < 0);
	assert_true(vn_collate("ôz", "ơa") < 0);
	assert_true(vn_collate("uz", "ưa") < 0);
	/* Tones break ties only: ma < mà < mả < mã < má < mạ, all < mb. */
	assert_true(vn_collate("ma", "mà") < 0);
	assert_true(vn_collate("mà", "mả") < 0);
	assert_true(vn_collate("mả", "mã") < 0);
	assert_true(vn_collate("mã", "má") < 0);
	assert_true(vn_collate("má", "mạ") < 0);
	assert_true(vn_collate("mạ", "mb") < 0);
	assert_int_equal(vn_collate("Đức", "Đức"), 0);
	assert_true(vn_collate("an", "anh") < 0);
}

static void people_sort_by_given_name(void **state)
{
	const char *names[] = { "Trần Văn Bình", "Nguyễn Thị Anh", "Lê Đức", "Phạm Dũng" };

	(void)state;
	qsort(names, 4, sizeof(names[0]), cmp_names);
	assert_string_equal(names[0], "Nguyễn Thị Anh");
	assert_string_equal(names[1], "Trần Văn Bình");
	assert_string_equal(names[2], "Phạm Dũng");
	assert_string_equal(names[3], "Lê Đức");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fold_drops_marks_and_maps_d),
		cmocka_unit_test(fold_equates_old_and_new_tone_placement),
		cmocka_unit_test(fold_repairs_invalid_utf8),
		cmocka_unit_test(fold_table_equals_whole_fold),
		cmocka_unit_test(nfc_composes),
		cmocka_unit_test(alphabet_order),
		cmocka_unit_test(people_sort_by_given_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
