/*
 * libFuzzer harness for egov-sim's request handling: the whole server runs
 * in-process on a small seeded city, and each input becomes one HTTP request
 * over loopback, so MHD's request parsing, our routing, the JSON body
 * checks of the token and action endpoints and the query parsing of search
 * and the feed all see hostile bytes under ASan/UBSan.  The first input
 * byte picks the endpoint; the rest is the body (POST) or the query (GET).
 * Every answer must be a complete HTTP response.
 *
 * Not part of the default build (it needs clang's -fsanitize=fuzzer); build
 * and run it with tests/server/build-fuzz.sh.
 */
#include "config.h"
#include "sim.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static sim_server srv;
static int port;
static char token[65];
static char dossier[17] = "0000000000000001";

static int roundtrip(const char *req, size_t len, char *out, size_t outlen)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	size_t got = 0;
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		abort();
	if (write(fd, req, len) != (ssize_t)len)
		abort();
	shutdown(fd, SHUT_WR);
	while (got + 1 < outlen && (n = read(fd, out + got, outlen - got - 1)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fd);
	return (int)got;
}

static char path[] = "/tmp/egov-fuzz-XXXXXX";

/* The seeded city's folder goes when the fuzzer exits (each run made one
 * and left it behind). */
static void remove_workdir(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	sim_seed_opts so = { 1, 200, 0 };
	char err[256], dbpath[128], resp[8192], req[512];
	int created;
	sqlite3 *db;
	const char *p;

	(void)argc; (void)argv;
	if (!mkdtemp(path))
		abort();
	atexit(remove_workdir);
	snprintf(dbpath, sizeof(dbpath), "%s/sim.db", path);
	srv.db_path = dbpath;
	srv.token_ttl = 3600;
	srv.feed_retention = 30 * 86400.0;
	if (sim_store_open(&srv, &created, err, sizeof(err)) < 0 || sim_auth_init(&srv) < 0)
		abort();
	db = sim_db_acquire(&srv);
	if (sim_seed(&srv, db, &so, err, sizeof(err)) < 0 || sim_ref_load(&srv, db, err, sizeof(err)) < 0)
		abort();
	sim_db_release(&srv, db);
	if (sim_http_start(&srv, "127.0.0.1", 0, NULL, NULL, &port, err, sizeof(err)) < 0)
		abort();
	p = "{\"grant_type\":\"password\",\"username\":\"supervisor\",\"password\":\"demo\"}";
	snprintf(req, sizeof(req), "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n%s",
		 strlen(p), p);
	roundtrip(req, strlen(req), resp, sizeof(resp));
	p = strstr(resp, "\"access_token\":\"");
	if (!p)
		abort();
	memcpy(token, p + 16, 64);
	/* A real dossier, so action bodies get past the 404. */
	snprintf(req, sizeof(req), "GET /api/v1/dossiers?state=in_progress&limit=1 HTTP/1.1\r\nHost: x\r\n"
		 "Authorization: Bearer %s\r\n\r\n", token);
	roundtrip(req, strlen(req), resp, sizeof(resp));
	p = strstr(resp, "\"id\":\"");
	if (p)
		memcpy(dossier, p + 6, 16);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const targets[] = {
		"POST /api/v1/auth/token", "POST /api/v1/dossiers/%s/actions",
		"GET /api/v1/dossiers?", "GET /api/v1/changes?", "GET /api/v1/reports/agencies?",
		"GET /api/v1/calendar?", "GET /api/v1/users?", "RAW",
	};
	char head[512], target[160], *req, resp[65536];
	size_t hl, len;
	int t;

	if (size < 1)
		return 0;
	t = data[0] % 8;
	data++;
	size--;
	if (strcmp(targets[t], "RAW") == 0) {
		roundtrip((const char *)data, size, resp, sizeof(resp));
		return 0;
	}
	snprintf(target, sizeof(target), targets[t], dossier);
	if (strncmp(target, "GET", 3) == 0) {
		hl = (size_t)snprintf(head, sizeof(head), "%s", target);
		req = malloc(hl + size + 128);
		memcpy(req, head, hl);
		for (len = 0; len < size; len++)
			req[hl + len] = (data[len] > ' ' && data[len] < 127) ? (char)data[len] : '&';
		len = hl + size;
		len += (size_t)snprintf(req + len, 128, " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n",
					token);
	} else {
		hl = (size_t)snprintf(head, sizeof(head), "%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
				      "Idempotency-Key: fuzz\r\nIf-Match: \"1\"\r\nContent-Length: %zu\r\n\r\n",
				      target, token, size);
		req = malloc(hl + size);
		memcpy(req, head, hl);
		memcpy(req + hl, data, size);
		len = hl + size;
	}
	roundtrip(req, len, resp, sizeof(resp));
	if (strncmp(resp, "HTTP/1.1 ", 9) != 0 && resp[0])
		abort();
	free(req);
	return 0;
}
