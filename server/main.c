/*
 * egov-sim: the reference city backend.  This file is the program: the
 * command line, opening (and on first use seeding) the database, starting
 * the HTTP server and the activity thread, and stopping cleanly on SIGTERM
 * or SIGINT.  Everything else lives in the library-like files it calls, which
 * report errors into buffers; only this file prints and exits.
 *
 * The first line on stdout is always `listening on http://HOST:PORT`,
 * flushed, because test harnesses and the demo script read it to learn the
 * port chosen by --listen 127.0.0.1:0.
 */
#include "config.h"
#include "sim.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f)
{
	fputs("usage: egov-sim --listen HOST:PORT --db PATH [--seed N] [--dossiers N]\n"
	      "                [--activity N] [--fault SPEC] [--feed-retention DAYS]\n"
	      "                [--token-ttl SECONDS] [--now RFC3339] [--seed-only]\n"
	      "                [--tls-cert FILE --tls-key FILE]\n", f);
}

/* A duration: a number of days, or with a unit suffix s, m, h or d. */
static int parse_duration(const char *s, double *seconds)
{
	char *end;
	double v = strtod(s, &end), unit = 86400;

	if (end == s || v < 0)
		return -1;
	if (*end == 's')
		unit = 1;
	else if (*end == 'm')
		unit = 60;
	else if (*end == 'h')
		unit = 3600;
	else if (*end == 'd' || *end == '\0')
		unit = 86400;
	else
		return -1;
	if (*end && end[1])
		return -1;
	*seconds = v * unit;
	return 0;
}

static int parse_listen(const char *s, char *host, size_t hostlen, int *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long p;

	if (!colon || (size_t)(colon - s) >= hostlen)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	p = strtol(colon + 1, &end, 10);
	if (*end || p < 0 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "dossiers", required_argument, NULL, 'n' },
		{ "activity", required_argument, NULL, 'a' },
		{ "fault", required_argument, NULL, 'f' },
		{ "feed-retention", required_argument, NULL, 'r' },
		{ "token-ttl", required_argument, NULL, 't' },
		{ "now", required_argument, NULL, 'N' },
		{ "seed-only", no_argument, NULL, 'S' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	sim_server srv;
	sim_seed_opts so = { 1, 20000, 0 };
	const char *listen = "127.0.0.1:8080", *cert = NULL, *key = NULL;
	char host[64], err[256];
	int port = 0, bound = 0, activity = 0, seed_only = 0, created = 0, c, sig;
	int exit_code = 1, http_started = 0, activity_started = 0;
	sigset_t sigs;
	sqlite3 *db;

	memset(&srv, 0, sizeof(srv));
	srv.token_ttl = 3600;
	srv.feed_retention = 30 * 86400.0;
	if (getenv("EGOV_SIM_TOKEN_TTL"))
		srv.token_ttl = atoi(getenv("EGOV_SIM_TOKEN_TTL"));
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': listen = optarg; break;
		case 'd': srv.db_path = optarg; break;
		case 's': so.seed = strtoull(optarg, NULL, 10); break;
		case 'n': so.dossiers = strtol(optarg, NULL, 10); break;
		case 'a': activity = atoi(optarg); break;
		case 'f':
			if (sim_fault_parse(&srv.fault, optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "egov-sim: %s\n", err);
				return 2;
			}
			break;
		case 'r':
			if (parse_duration(optarg, &srv.feed_retention) < 0) {
				fprintf(stderr, "egov-sim: bad --feed-retention %s\n", optarg);
				return 2;
			}
			break;
		case 't': srv.token_ttl = atoi(optarg); break;
		case 'N':
			if (egov_time_parse(optarg, &so.now) < 0) {
				fprintf(stderr, "egov-sim: bad --now %s\n", optarg);
				return 2;
			}
			break;
		case 'S': seed_only = 1; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!srv.db_path || optind != argc || so.dossiers < 0 || srv.token_ttl <= 0 ||
	    parse_listen(listen, host, sizeof(host), &port) < 0) {
		usage(stderr);
		return 2;
	}
	/* Block the stop signals before any thread starts, so they all
	 * inherit the mask and only sigwait() below sees them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (sim_store_open(&srv, &created, err, sizeof(err)) < 0 || sim_auth_init(&srv) < 0) {
		fprintf(stderr, "egov-sim: %s\n", err);
		goto cleanup;
	}
	db = sim_db_acquire(&srv);
	if (created) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (sim_seed(&srv, db, &so, err, sizeof(err)) < 0) {
			sim_db_release(&srv, db);
			fprintf(stderr, "egov-sim: seeding failed: %s\n", err);
			goto cleanup;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fprintf(stderr, "egov-sim: seeded %ld dossiers in %.2f s\n", so.dossiers,
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	if (sim_ref_load(&srv, db, err, sizeof(err)) < 0) {
		sim_db_release(&srv, db);
		fprintf(stderr, "egov-sim: %s\n", err);
		goto cleanup;
	}
	sim_feed_compact(&srv, db, time(NULL));
	sim_db_release(&srv, db);
	if (seed_only) {
		exit_code = 0;
		goto cleanup;
	}
	if (sim_http_start(&srv, host, port, cert, key, &bound, err, sizeof(err)) < 0) {
		fprintf(stderr, "egov-sim: %s\n", err);
		goto cleanup;
	}
	http_started = 1;
	printf("listening on http%s://%s:%d\n", cert ? "s" : "", host, bound);
	fflush(stdout);
	if (activity > 0) {
		if (sim_activity_start(&srv, activity) < 0) {
			fprintf(stderr, "egov-sim: cannot start the activity thread\n");
			goto cleanup;
		}
		activity_started = 1;
	}
	while (sigwait(&sigs, &sig) != 0)
		;
	fprintf(stderr, "egov-sim: stopping on signal %d\n", sig);
	exit_code = 0;
cleanup:
	if (activity_started)
		sim_activity_stop();
	if (http_started)
		sim_http_stop();
	sim_auth_release(&srv);
	sim_ref_release(&srv.ref);
	sim_store_close(&srv);
	return exit_code;
}
