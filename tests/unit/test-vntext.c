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
		cmocka_unit_test(nfc_composes),
		cmocka_unit_test(alphabet_order),
		cmocka_unit_test(people_sort_by_given_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
