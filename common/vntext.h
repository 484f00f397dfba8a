/*
 * Vietnamese text rules shared by egov-sim, the cache and the console.
 *
 * Search ignores case and diacritics: text is folded through NFD, combining
 * marks are dropped, it is case-folded and đ/Đ become d by hand (đ has no
 * decomposition, so no Unicode fold does it).  Sorting follows the
 * Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư
 * v x y), tones second (none, huyền, hỏi, ngã, sắc, nặng), and people sort by
 * given name (the last word) first.  Invalid UTF-8 never reaches a caller:
 * bad bytes become U+FFFD.
 */
#ifndef EGOV_VNTEXT_H
#define EGOV_VNTEXT_H

#include <stddef.h>

/* Valid UTF-8 in NFC; invalid bytes replaced by U+FFFD.  Caller frees.
 * Returns NULL only when memory runs out. */
char *vn_nfc(const char *s);

/* The search form: lower case, no diacritics, đ -> d, NFC.  Caller frees. */
char *vn_fold(const char *s);
/* The same through utf8proc whole, without vn_fold()'s table of the Latin
 * ranges: for the test that holds the two equal. */
char *vn_fold_unicode(const char *s);

/* A byte string whose memcmp() order is Vietnamese alphabetical order.  It
 * may contain NUL bytes: *len receives its length.  Caller frees. */
unsigned char *vn_sort_key(const char *s, size_t *len);

/* The same for a person's full name: the given name (last word) first, then
 * the family and middle names. */
unsigned char *vn_name_sort_key(const char *full_name, size_t *len);

/* strcmp-like comparison in Vietnamese order (for qsort and SQLite
 * collations). */
int vn_collate(const char *a, const char *b);
int vn_name_collate(const char *a, const char *b);

/* True if every byte sequence of s is valid UTF-8. */
int vn_utf8_valid(const char *s, size_t len);

#endif
