/*
 * libFuzzer harness for the egov configuration parser (cli/config.c,
 * through its public functions in cli/egov-config.h).
 *
 * The configuration file is the person's own, but it is also what a help
 * desk pastes from an e-mail, so its parser must survive anything: every
 * input is parsed as a whole file for one of three profiles, and the
 * result must be consistent.  On success every string set is valid memory
 * and every [keys]/[colors] pair has a name, a value and a line number
 * within the file; on failure the error is one non-empty line.  Any crash,
 * sanitizer report or leak is a bug.  The first input byte picks the
 * profile; the rest is the file.  Built by tests/fuzz/run-fuzzers.sh with
 * clang -fsanitize=fuzzer,address,undefined; not part of the automake
 * build.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "egov-config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *const profiles[] = { NULL, "default", "work" };

/* The environment overrides the file; a fuzzer run must not depend on
 * whoever started it. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const vars[] = {
		"EGOV_SERVER", "EGOV_USER", "EGOV_LANG", "EGOV_CA_FILE",
		"EGOV_LOG_LEVEL", "EGOV_LOG_FILE", "EGOV_PROFILE", "EGOV_CONFIG",
		"EGOV_SYNC_INTERVAL", "EGOV_AUTO_LOCK", "EGOV_TIMEOUT",
	};

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
	return 0;
}

static size_t
count_lines(const char *text)
{
	size_t n = 1;

	for (; *text; text++)
		n += *text == '\n' || *text == '\r';
	return n;
}

static void
check_pairs(const struct egov_config_pair *p, size_t n, size_t lines)
{
	for (size_t i = 0; i < n; i++) {
		if (!p[i].name || !p[i].value || p[i].line < 1 || (size_t)p[i].line > lines)
			abort();
		/* touch every byte, so ASan sees a bad pointer here */
		if (strlen(p[i].name) + strlen(p[i].value) == (size_t)-1)
			abort();
	}
}

static void
check_str(const char *s)
{
	if (s && strlen(s) == (size_t)-1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct egov_config cfg;
	char err[512], *text;
	const char *profile;
	enum egov_log_level level;

	if (size < 1)
		return 0;
	profile = profiles[data[0] % (sizeof profiles / sizeof profiles[0])];
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	egov_config_init(&cfg);
	memset(err, 'x', sizeof err);
	err[sizeof err - 1] = '\0';
	err[0] = '\0';
	if (egov_config_load_string(&cfg, text, "fuzz.conf", profile, err, sizeof err) == 0) {
		size_t lines = count_lines(text);

		check_pairs(cfg.keys, cfg.n_keys, lines);
		check_pairs(cfg.colors, cfg.n_colors, lines);
		check_str(cfg.server);
		check_str(cfg.ca_file);
		check_str(cfg.user);
		check_str(cfg.lang);
		check_str(cfg.log_file);
		if (!cfg.profile || cfg.sync_interval < 0 || cfg.auto_lock < 0 || cfg.timeout < 0)
			abort();
		if (egov_log_level_parse(egov_log_level_str(cfg.log_level), &level) < 0 ||
		    level != cfg.log_level)
			abort();
	} else if (err[0] == '\0' || strchr(err, '\n')) {
		abort();	/* a failure must say why, in one line */
	}
	egov_config_release(&cfg);
	free(text);
	return 0;
}
