/*
 * Unit tests (cmocka) for the parts of the egov program that need no
 * server: the configuration reader (profiles, precedence, messages naming
 * file, line and key), the output formatting (terminal-safe text, RFC 4180
 * CSV, formula guarding) and the log scrubber.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "egov-config.h"
#include "egov-log.h"
#include "output.h"

static void clear_env(void)
{
	static const char *const vars[] = {
		"EGOV_SERVER", "EGOV_USER", "EGOV_LANG", "EGOV_CA_FILE", "EGOV_LOG_LEVEL",
		"EGOV_LOG_FILE", "EGOV_PROFILE", "EGOV_CONFIG", "EGOV_SYNC_INTERVAL",
		"EGOV_AUTO_LOCK", "EGOV_TIMEOUT"
	};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

static int load(struct egov_config *cfg, const char *text, const char *profile,
		char *err, size_t errlen)
{
	egov_config_init(cfg);
	err[0] = '\0';
	return egov_config_load_string(cfg, text, "/etc/x/config", profile, err, errlen);
}

static const char good[] =
	"# comment\n"
	"[profile training]\n"
	"server = http://127.0.0.1:8080\n"
	"lang = en\n"
	"\n"
	"[default]\n"
	"server = https://egov.haiphong.gov.vn\n"
	"user = officer\n"
	"lang = vi\n"
	"color = never\n"
	"sync_interval = 120\n"
	"auto_lock = 5\n"
	"log_level = debug\n"
	"[keys]\n"
	"quit = q\n"
	"search = /\n"
	"[colors]\n"
	"status = white,blue\n";

static void test_default_profile(void **state)
{
	struct egov_config cfg;
	char err[256];

	(void)state;
	clear_env();
	assert_int_equal(load(&cfg, good, NULL, err, sizeof(err)), 0);
	assert_string_equal(cfg.profile, "default");
	assert_string_equal(cfg.server, "https://egov.haiphong.gov.vn");
	assert_string_equal(cfg.user, "officer");
	assert_string_equal(cfg.lang, "vi");
	assert_int_equal(cfg.color, EGOV_COLOR_NEVER);
	assert_int_equal(cfg.sync_interval, 120);
	assert_int_equal(cfg.auto_lock, 5);
	assert_int_equal(cfg.log_level, EGOV_LOG_DEBUG);
	assert_int_equal(cfg.n_keys, 2);
	assert_string_equal(cfg.keys[1].name, "search");
	assert_string_equal(cfg.keys[1].value, "/");
	assert_int_equal(cfg.keys[1].line, 16);
	assert_int_equal(cfg.n_colors, 1);
	assert_string_equal(cfg.colors[0].value, "white,blue");
	egov_config_release(&cfg);
}

static void test_profile_over_default(void **state)
{
	struct egov_config cfg;
	char err[256];

	(void)state;
	clear_env();
	/* [profile training] comes first in the file but still wins. */
	assert_int_equal(load(&cfg, good, "training", err, sizeof(err)), 0);
	assert_string_equal(cfg.server, "http://127.0.0.1:8080");
	assert_string_equal(cfg.lang, "en");
	assert_string_equal(cfg.user, "officer");
	egov_config_release(&cfg);
}

static void test_env_over_file(void **state)
{
	struct egov_config cfg;
	char err[256];

	(void)state;
	clear_env();
	setenv("EGOV_SERVER", "http://10.0.0.1:9", 1);
	setenv("EGOV_USER", "supervisor", 1);
	setenv("EGOV_PROFILE", "training", 1);
	assert_int_equal(load(&cfg, good, NULL, err, sizeof(err)), 0);
	assert_string_equal(cfg.profile, "training");
	assert_string_equal(cfg.server, "http://10.0.0.1:9");
	assert_string_equal(cfg.user, "supervisor");
	assert_string_equal(cfg.lang, "en");
	egov_config_release(&cfg);
	setenv("EGOV_LOG_LEVEL", "loud", 1);
	assert_int_equal(load(&cfg, good, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "EGOV_LOG_LEVEL"));
	egov_config_release(&cfg);
	clear_env();
}

static void expect_error(const char *text, const char *profile, const char *want)
{
	struct egov_config cfg;
	char err[256];

	clear_env();
	assert_int_equal(load(&cfg, text, profile, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
	egov_config_release(&cfg);
}

static void test_errors_name_file_line_key(void **state)
{
	(void)state;
	expect_error("[default]\nserver = https://a\n\n# x\ncolour = never\n", NULL,
		     "/etc/x/config:5: unknown key 'colour' in [default]");
	expect_error("[default]\nsync_interval = often\n", NULL,
		     "/etc/x/config:2: sync_interval must be");
	expect_error("[default]\nsync_interval = often\n", NULL, "(key 'sync_interval' in [default])");
	expect_error("[default]\nserver = ftp://x\n", NULL, "/etc/x/config:2: server must start");
	expect_error("[default]\nlang = vi\nthis line has no equals sign\n", NULL,
		     "/etc/x/config:3: syntax error");
	expect_error("[default]\n[themes]\nx = y\n", NULL, "/etc/x/config:3: unknown section [themes]");
	expect_error("server = https://a\n", NULL, "/etc/x/config:1: key 'server' outside any section");
	expect_error("[default]\n", "nosuch", "no [profile nosuch] section");
	/* A typo in a profile not chosen is still reported. */
	expect_error("[profile other]\nsevrer = https://a\n", NULL,
		     "/etc/x/config:2: unknown key 'sevrer' in [profile other]");
	expect_error("[keys]\nquit =\n", NULL, "/etc/x/config:2: empty value for 'quit' in [keys]");
}

static void test_missing_file_is_fine(void **state)
{
	struct egov_config cfg;
	char err[256] = "";

	(void)state;
	clear_env();
	setenv("XDG_CONFIG_HOME", "/nonexistent-egov-test", 1);
	egov_config_init(&cfg);
	assert_int_equal(egov_config_load(&cfg, NULL, NULL, err, sizeof(err)), 0);
	assert_null(cfg.path);
	assert_null(cfg.server);
	egov_config_release(&cfg);
	/* ... unless it was named. */
	egov_config_init(&cfg);
	assert_int_equal(egov_config_load(&cfg, "/nonexistent-egov-test/c", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent-egov-test/c"));
	egov_config_release(&cfg);
}

static void test_safe_text(void **state)
{
	char *s;

	(void)state;
	s = out_safe("a\x1b]0;pwned\x07" "b");
	assert_string_equal(s, "a\\x1b]0;pwned\\x07b");
	free(s);
	s = out_safe("x\xc2\x9b" "31m");		/* C1 CSI */
	assert_string_equal(s, "x\\x9b31m");
	free(s);
	s = out_safe("abc\xe2\x80\xae" "def");		/* RIGHT-TO-LEFT OVERRIDE */
	assert_string_equal(s, "abc\\u202edef");
	free(s);
	s = out_safe("Nguy\xe1\xbb\x85n \xc4\x90\xe1\xbb\xa9" "c\n");
	assert_string_equal(s, "Nguy\xe1\xbb\x85n \xc4\x90\xe1\xbb\xa9" "c\\x0a");
	free(s);
	s = out_safe("bad\xff");
	assert_string_equal(s, "bad\xef\xbf\xbd");	/* U+FFFD */
	free(s);
	assert_int_equal(out_width("Nguy\xe1\xbb\x85n"), 6);
}

static char *capture(void (*fn)(FILE *fp))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	fn(fp);
	fclose(fp);
	return buf;
}

static void csv_sample(FILE *fp)
{
	out_csv_field(fp, "plain", 1);
	out_csv_field(fp, "a,b", 0);
	out_csv_field(fp, "say \"hi\"", 0);
	out_csv_field(fp, "two\nlines", 0);
	out_csv_field(fp, "=HYPERLINK(\"x\")", 0);
	out_csv_field(fp, "", 0);
	out_csv_field(fp, NULL, 0);
	out_csv_field(fp, "-353", 0);
	out_csv_field(fp, "-1.5", 0);
	out_csv_field(fp, "-1+2", 0);
	out_csv_field(fp, "-", 0);
	out_csv_end(fp);
}

static void test_csv(void **state)
{
	char *s = capture(csv_sample);

	(void)state;
	assert_string_equal(s, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\","
			       "\"'=HYPERLINK(\"\"x\"\")\",,,-353,-1.5,\"'-1+2\",\"'-\"\r\n");
	free(s);
}

static void cell_sample(FILE *fp)
{
	out_cell(fp, "\xc4\x90\xe1\xbb\xa9" "c", 5);
	out_cell(fp, "|", 0);
	out_cell(fp, "abcdefgh", 4);
	out_cell(fp, "|", 0);
}

static void test_cells(void **state)
{
	char *s = capture(cell_sample);

	(void)state;
	assert_string_equal(s, "\xc4\x90\xe1\xbb\xa9" "c  |abc\xe2\x80\xa6|");
	free(s);
}

static void test_log_scrub(void **state)
{
	char a[] = "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def done";
	char b[] = "refresh 3f9a8c7d6e5f4a3b2c1d0e9f8a7b6c5d ok";
	char c[] = "phone 0912345678 id 031204001234 code 000.00.12.H24-241121-0001";

	(void)state;
	egov_log_scrub(a);
	assert_null(strstr(a, "eyJ"));
	assert_non_null(strstr(a, "done"));
	egov_log_scrub(b);
	assert_string_equal(b, "refresh *** ok");
	egov_log_scrub(c);
	assert_string_equal(c, "phone *** id *** code 000.00.12.H24-241121-0001");
}

static void test_log_file_mode(void **state)
{
	struct egov_log log;
	char path[] = "/tmp/egov-log-XXXXXX", err[256];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	egov_log_init(&log);
	assert_int_equal(egov_log_open(&log, path, EGOV_LOG_INFO, err, sizeof(err)), 0);
	egov_log_write(&log, EGOV_LOG_DEBUG, "hidden %d", 1);
	egov_log_write(&log, EGOV_LOG_INFO, "shown %d", 2);
	egov_log_release(&log);
	{
		FILE *fp = fopen(path, "r");
		char line[256] = "";

		assert_non_null(fp);
		assert_non_null(fgets(line, sizeof(line), fp));
		assert_non_null(strstr(line, "info: shown 2"));
		assert_null(fgets(line, sizeof(line), fp));
		fclose(fp);
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_profile),
		cmocka_unit_test(test_profile_over_default),
		cmocka_unit_test(test_env_over_file),
		cmocka_unit_test(test_errors_name_file_line_key),
		cmocka_unit_test(test_missing_file_is_fine),
		cmocka_unit_test(test_safe_text),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_log_scrub),
		cmocka_unit_test(test_log_file_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
