/*
 * Reading the egov configuration file (config.h, egov.conf(5)) with libinih.
 *
 * Debian's libinih is built without line numbers in the handler, so the
 * file is fed to ini_parse_stream() through a reader that counts lines
 * itself: inih asks for exactly one line per call, so the count is the line
 * the handler is looking at.  The first error stops interpretation and is
 * kept as "FILE:LINE: message"; inih's own syntax errors (a line with no
 * '=' or an unclosed '[') get the same form.
 *
 * Sections: [default], [profile NAME], [keys], [colors].  Values of the
 * chosen profile are applied after [default] whatever their order in the
 * file, so the file is read into a staging table of the two sections first.
 */
#include "config.h"

#include "egov-config.h"
#include "config-keys.h"
#include "cli-util.h"

#include <errno.h>
#include <ini.h>
#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define _(s) gettext(s)

/* One staged value: the raw text and the line it came from. */
struct staged {
	char *value;
	int line;
};

struct parse_ctx {
	struct egov_config *cfg;
	const char *name;		/* file name for messages */
	const char *profile;
	int profile_seen;
	struct staged base[K_COUNT];	/* [default] */
	struct staged prof[K_COUNT];	/* [profile NAME] */
	int line;			/* the line being parsed */
	const char *text;		/* string input, or NULL */
	FILE *fp;			/* file input, or NULL */
	char *buf;			/* getline buffer */
	size_t bufsize;
	int too_long_line;		/* a line did not fit inih's buffer */
	char *err;
	size_t errlen;
	int failed;
};

static void ctx_fail(struct parse_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ctx_fail(struct parse_ctx *ctx, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (ctx->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ctx->err, ctx->errlen, "%s:%d: %s", ctx->name, ctx->line, msg);
	ctx->failed = 1;
}

static int stage(struct parse_ctx *ctx, struct staged *table, const char *section,
		 const char *name, const char *value)
{
	for (int k = 0; k < K_COUNT; k++) {
		if (strcmp(name, egov_config_key_names[k]) == 0) {
			if (egov_config_set_str(&table[k].value, value) < 0) {
				ctx_fail(ctx, "%s", strerror(ENOMEM));
				return 0;
			}
			table[k].line = ctx->line;
			return 1;
		}
	}
	ctx_fail(ctx, _("unknown key '%s' in [%s]"), name, section);
	return 0;
}

/* A name in [keys]/[colors]: letters, digits, '_', '-', '.'. */
static int valid_pair_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return 0;
	}
	return 1;
}

static int add_pair(struct parse_ctx *ctx, struct egov_config_pair **pairs, size_t *n,
		    const char *section, const char *name, const char *value)
{
	struct egov_config_pair *grown;

	if (!valid_pair_name(name)) {
		ctx_fail(ctx, _("bad name '%s' in [%s]"), name, section);
		return 0;
	}
	if (!*value) {
		ctx_fail(ctx, _("empty value for '%s' in [%s]"), name, section);
		return 0;
	}
	/* A later line for the same name wins, as in every INI reader. */
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*pairs)[i].name, name) == 0) {
			if (egov_config_set_str(&(*pairs)[i].value, value) < 0)
				goto nomem;
			(*pairs)[i].line = ctx->line;
			return 1;
		}
	}
	grown = realloc(*pairs, (*n + 1) * sizeof(**pairs));
	if (!grown)
		goto nomem;
	*pairs = grown;
	grown[*n].name = strdup(name);
	grown[*n].value = strdup(value);
	grown[*n].line = ctx->line;
	(*n)++;
	if (!grown[*n - 1].name || !grown[*n - 1].value)
		goto nomem;
	return 1;
nomem:
	ctx_fail(ctx, "%s", strerror(ENOMEM));
	return 0;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse_ctx *ctx = user;

	if (ctx->failed)
		return 1;	/* keep inih quiet; the first error is kept */
	if (ctx->too_long_line) {
		ctx_fail(ctx, _("line too long"));
		return 0;
	}
	if (strcmp(section, "default") == 0)
		return stage(ctx, ctx->base, section, name, value);
	if (strncmp(section, "profile ", 8) == 0) {
		const char *p = section + 8;

		while (*p == ' ')
			p++;
		if (!*p) {
			ctx_fail(ctx, _("[profile] needs a name"));
			return 0;
		}
		if (strcmp(p, ctx->profile) != 0) {
			/* Other profiles are checked too, so typos show at once. */
			struct staged scratch[K_COUNT] = { { 0 } };
			int ok = stage(ctx, scratch, section, name, value);

			for (int k = 0; k < K_COUNT; k++)
				free(scratch[k].value);
			return ok;
		}
		ctx->profile_seen = 1;
		return stage(ctx, ctx->prof, section, name, value);
	}
	if (strcmp(section, "keys") == 0)
		return add_pair(ctx, &ctx->cfg->keys, &ctx->cfg->n_keys, section, name, value);
	if (strcmp(section, "colors") == 0 || strcmp(section, "colours") == 0)
		return add_pair(ctx, &ctx->cfg->colors, &ctx->cfg->n_colors, section, name, value);
	if (!*section)
		ctx_fail(ctx, _("key '%s' outside any section (start with [default])"), name);
	else
		ctx_fail(ctx, _("unknown section [%s]"), section);
	return 0;
}

/* inih's line reader: one whole line per call, counted. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse_ctx *ctx = stream;
	size_t len;

	if (ctx->fp) {
		ssize_t got = getline(&ctx->buf, &ctx->bufsize, ctx->fp);

		if (got < 0)
			return NULL;
		len = (size_t)got;
		memcpy(str, ctx->buf, len < (size_t)num ? len : (size_t)num - 1);
	} else {
		const char *nl;

		if (!*ctx->text)
			return NULL;
		nl = strchr(ctx->text, '\n');
		len = nl ? (size_t)(nl - ctx->text) + 1 : strlen(ctx->text);
		memcpy(str, ctx->text, len < (size_t)num ? len : (size_t)num - 1);
		ctx->text += len;
	}
	ctx->line++;
	if (len >= (size_t)num) {
		ctx->too_long_line = 1;
		len = (size_t)num - 1;
	}
	str[len] = '\0';
	return str;
}

static int apply_staged(struct parse_ctx *ctx, struct staged *table, const char *section)
{
	char msg[300];

	for (int k = 0; k < K_COUNT; k++) {
		if (!table[k].value)
			continue;
		msg[0] = '\0';
		if (egov_config_set_key(ctx->cfg, (enum profile_key)k, table[k].value,
				    msg, sizeof(msg)) < 0) {
			ctx->line = table[k].line;
			if (!msg[0])
				snprintf(msg, sizeof(msg), "%s", strerror(ENOMEM));
			ctx_fail(ctx, _("%s (key '%s' in [%s])"), msg, egov_config_key_names[k], section);
			return -1;
		}
	}
	return 0;
}

static int parse(struct parse_ctx *ctx)
{
	int rc = ini_parse_stream(read_line, ctx, handler, ctx);
	char section[200];

	if (!ctx->failed && rc > 0) {
		ctx->line = rc;
		ctx_fail(ctx, _("syntax error (expected [section] or name = value)"));
	} else if (!ctx->failed && rc < 0) {
		ctx_fail(ctx, "%s", strerror(ENOMEM));
	}
	if (ctx->failed)
		return -1;
	if (apply_staged(ctx, ctx->base, "default") < 0)
		return -1;
	snprintf(section, sizeof(section), "profile %s", ctx->profile);
	return apply_staged(ctx, ctx->prof, section);
}

static void ctx_release(struct parse_ctx *ctx)
{
	for (int k = 0; k < K_COUNT; k++) {
		free(ctx->base[k].value);
		free(ctx->prof[k].value);
	}
	free(ctx->buf);
}

static const char *choose_profile(const char *profile)
{
	if (profile && *profile)
		return profile;
	profile = getenv("EGOV_PROFILE");
	return profile && *profile ? profile : "default";
}

/* Both entry points end here: parse, check the profile exists, apply env. */
static int load_common(struct egov_config *cfg, struct parse_ctx *ctx, int have_input,
		       char *err, size_t errlen)
{
	int result = -1;

	if (egov_config_set_str(&cfg->profile, ctx->profile) < 0)
		goto cleanup;
	if (have_input && parse(ctx) < 0)
		goto cleanup;
	if (strcmp(ctx->profile, "default") != 0 && !ctx->profile_seen) {
		snprintf(err, errlen, _("%s: no [profile %s] section"),
			 ctx->name, ctx->profile);
		goto cleanup;
	}
	result = egov_config_apply_env(cfg, err, errlen);
cleanup:
	ctx_release(ctx);
	return result;
}

int egov_config_load_string(struct egov_config *cfg, const char *text,
			    const char *name, const char *profile,
			    char *err, size_t errlen)
{
	struct parse_ctx ctx = { 0 };

	ctx.cfg = cfg;
	ctx.name = name;
	ctx.profile = choose_profile(profile);
	ctx.text = text;
	ctx.err = err;
	ctx.errlen = errlen;
	return load_common(cfg, &ctx, 1, err, errlen);
}

int egov_config_load(struct egov_config *cfg, const char *path,
		     const char *profile, char *err, size_t errlen)
{
	struct parse_ctx ctx = { 0 };
	char *owned = NULL;
	int explicit_path = path != NULL;
	int result;

	if (!path && getenv("EGOV_CONFIG") && *getenv("EGOV_CONFIG")) {
		path = getenv("EGOV_CONFIG");
		explicit_path = 1;
	}
	if (!path) {
		owned = cli_xdg_path("XDG_CONFIG_HOME", ".config", "egov/config");
		if (!owned) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			return -1;
		}
		path = owned;
	}
	ctx.cfg = cfg;
	ctx.name = path;
	ctx.profile = choose_profile(profile);
	ctx.err = err;
	ctx.errlen = errlen;
	ctx.fp = fopen(path, "r");
	if (!ctx.fp && (errno != ENOENT || explicit_path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(owned);
		return -1;
	}
	if (ctx.fp && egov_config_set_str(&cfg->path, path) < 0) {
		fclose(ctx.fp);
		free(owned);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	result = load_common(cfg, &ctx, ctx.fp != NULL, err, errlen);
	if (ctx.fp)
		fclose(ctx.fp);
	free(owned);
	return result;
}
