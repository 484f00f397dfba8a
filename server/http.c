/*
 * The HTTP side of egov-sim: libmicrohttpd glue, the routing table, and
 * what every answer shares (problem+json errors, X-Request-Id, gzip,
 * content ETags, 413 for bodies over 1 MiB, 404/405 for unknown paths).
 *
 * libmicrohttpd runs one thread per connection, so a handler may sleep (the
 * --fault latency and stalls) without holding up other clients.  A request
 * body is gathered into the connection's sim_request; when it is complete
 * the route's handler fills a sim_response, which is turned into an MHD
 * response here.  A handler that sets `drop` makes us return MHD_NO, which
 * closes the connection without an answer (the faults that simulate a lost
 * reply).
 */
#include "config.h"
#include "sim.h"
#include "ident.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

typedef int (*sim_handler)(sim_request *rq, sim_response *rs);

typedef struct route {
	const char *method, *pattern;
	sim_handler handler;
	int auth;
} route;

static const route routes[] = {
	{ "POST", "/api/v1/auth/token", sim_h_token, 0 },
	{ "POST", "/api/v1/auth/logout", sim_h_logout, 1 },
	{ "GET", "/api/v1/me", sim_h_me, 1 },
	{ "GET", "/api/v1/agencies", sim_h_agencies, 1 },
	{ "GET", "/api/v1/procedures", sim_h_procedures, 1 },
	{ "GET", "/api/v1/users", sim_h_users, 1 },
	{ "GET", "/api/v1/calendar", sim_h_calendar, 1 },
	{ "GET", "/api/v1/dossiers", sim_h_search, 1 },
	{ "GET", "/api/v1/dossiers/*", sim_h_dossier, 1 },
	{ "POST", "/api/v1/dossiers/*/actions", sim_h_action, 1 },
	{ "GET", "/api/v1/dossiers/*/documents/*", sim_h_document, 1 },
	{ "GET", "/api/v1/changes", sim_h_changes, 1 },
	{ "GET", "/api/v1/reports/agencies", sim_h_report, 1 },
	{ "GET", "/api/v1/audit", sim_h_audit, 1 },
};

static struct MHD_Daemon *daemon_handle;

const char *sim_header(sim_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *sim_query(sim_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

static int match(const char *pattern, const char *path, const char *args[2], char *buf,
		 size_t buflen)
{
	size_t used = 0;
	int n = 0;

	while (*pattern && *path) {
		if (*pattern == '*') {
			size_t len = strcspn(path, "/");
			if (len == 0 || n >= 2 || used + len + 1 > buflen)
				return 0;
			memcpy(buf + used, path, len);
			buf[used + len] = '\0';
			args[n++] = buf + used;
			used += len + 1;
			path += len;
			pattern++;
		} else if (*pattern++ != *path++) {
			return 0;
		}
	}
	return *pattern == '\0' && *path == '\0';
}

static int accepts_gzip(sim_request *rq)
{
	const char *ae = sim_header(rq, "Accept-Encoding");
	const char *g = ae ? strstr(ae, "gzip") : NULL;

	return g && strncmp(g + 4, ";q=0", 4) != 0 ? 1 : 0;
}

static char *gzip_bytes(const char *in, size_t len, size_t *out_len)
{
	z_stream z;
	size_t cap;
	char *out;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&z, (uLong)len) + 64;
	out = malloc(cap);
	if (!out) {
		deflateEnd(&z);
		return NULL;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

static void make_request_id(sim_request *rq)
{
	const char *given = sim_header(rq, "X-Request-Id");
	size_t i, ok = given && *given && strlen(given) < sizeof(rq->request_id);

	for (i = 0; ok && given[i]; i++)
		if (given[i] <= ' ' || given[i] > '~')
			ok = 0;
	if (ok) {
		snprintf(rq->request_id, sizeof(rq->request_id), "%s", given);
	} else {
		char hex[33];
		if (egov_random_hex(hex, 16) < 0)
			snprintf(hex, sizeof(hex), "0");
		snprintf(rq->request_id, sizeof(rq->request_id), "req-%s", hex);
	}
}

static void dispatch(sim_request *rq, sim_response *rs)
{
	char buf[512];
	const char *method = strcmp(rq->method, "HEAD") == 0 ? "GET" : rq->method;
	const route *r = NULL;
	char allow[32] = "";
	size_t i;

	if (rq->too_large) {
		sim_reply_problem(rs, 413, "payload_too_large", "request bodies are limited to %d bytes",
				  SIM_MAX_BODY);
		return;
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const char *args[2] = { NULL, NULL };
		if (!match(routes[i].pattern, rq->path, args, buf, sizeof(buf)))
			continue;
		if (strcmp(routes[i].method, method) != 0) {
			snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow), "%s%s",
				 allow[0] ? ", " : "", routes[i].method);
			continue;
		}
		r = &routes[i];
		rq->args[0] = args[0];
		rq->args[1] = args[1];
		break;
	}
	if (!r && allow[0]) {
		snprintf(rs->allow, sizeof(rs->allow), "%s", allow);
		sim_reply_problem(rs, 405, "not_found", "%s is not allowed on %s; use %s", rq->method,
				  rq->path, allow);
		return;
	}
	if (!r) {
		sim_reply_problem(rs, 404, "not_found", "no such resource: %s", rq->path);
		return;
	}
	rq->db = sim_db_acquire(rq->srv);
	if (!rq->db) {
		sim_reply_problem(rs, 503, "internal", "the database is not available");
		return;
	}
	if (!r->auth || sim_authenticate(rq, rs) == 0)
		r->handler(rq, rs);
	sim_db_release(rq->srv, rq->db);
	rq->db = NULL;
	if (!rs->body && rs->status != 304 && rs->status != 204)
		sim_reply_problem(rs, 500, "internal", "the server could not answer");
}

static enum MHD_Result send_response(sim_request *rq, sim_response *rs)
{
	struct MHD_Response *resp;
	char *body = rs->body;
	size_t len = rs->len;
	int gz = 0;
	enum MHD_Result ret;

	if (body && len >= 64 && !rs->no_gzip && accepts_gzip(rq)) {
		size_t zlen = 0;
		char *z = gzip_bytes(body, len, &zlen);
		if (z) {
			body = z;
			len = zlen;
			gz = 1;
		}
	}
	resp = MHD_create_response_from_buffer(len, body ? body : (char *)(uintptr_t)"",
					       body ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
	if (gz)
		free(body);
	if (!resp)
		return MHD_NO;
	if (rs->content_type && rs->status != 304)
		MHD_add_response_header(resp, "Content-Type", rs->content_type);
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (!rs->no_gzip)
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	MHD_add_response_header(resp, "X-Request-Id", rq->request_id);
	if (rs->etag[0])
		MHD_add_response_header(resp, "ETag", rs->etag);
	if (rs->retry_after[0])
		MHD_add_response_header(resp, "Retry-After", rs->retry_after);
	if (rs->content_range[0])
		MHD_add_response_header(resp, "Content-Range", rs->content_range);
	if (rs->accept_ranges)
		MHD_add_response_header(resp, "Accept-Ranges", "bytes");
	if (rs->allow[0])
		MHD_add_response_header(resp, "Allow", rs->allow);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	ret = MHD_queue_response(rq->conn, (unsigned)rs->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result answer(sim_request *rq)
{
	sim_response rs;
	enum MHD_Result ret;

	memset(&rs, 0, sizeof(rs));
	make_request_id(rq);
	if (sim_fault_before(rq->srv, &rs) == 0)
		dispatch(rq, &rs);
	if (rs.drop) {
		free(rs.body);
		return MHD_NO;
	}
	ret = send_response(rq, &rs);
	free(rs.body);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	sim_request *rq = *con_cls;

	(void)version;
	if (!rq) {
		const char *cl;
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		rq->srv = cls;
		rq->conn = conn;
		rq->method = method;
		rq->path = url;
		*con_cls = rq;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > SIM_MAX_BODY) {
			rq->too_large = 1;
			return answer(rq);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		if (!rq->too_large && rq->body_len + n <= SIM_MAX_BODY) {
			char *p = realloc(rq->body, rq->body_len + n + 1);
			if (!p)
				return MHD_NO;
			rq->body = p;
			memcpy(rq->body + rq->body_len, upload_data, n);
			rq->body_len += n;
			rq->body[rq->body_len] = '\0';
		} else {
			rq->too_large = 1;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	sim_request *rq = *con_cls;

	(void)cls; (void)conn; (void)toe;
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else if (buf) {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

static char *tls_cert, *tls_key;

int sim_http_start(sim_server *srv, const char *host, int port, const char *cert,
		   const char *key, int *bound_port, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		snprintf(err, errlen, "--listen wants an IPv4 address, not %s", host);
		return -1;
	}
	if (cert || key) {
		tls_cert = cert ? read_file(cert) : NULL;
		tls_key = key ? read_file(key) : NULL;
		if (!tls_cert || !tls_key) {
			snprintf(err, errlen, "cannot read --tls-cert and --tls-key");
			return -1;
		}
		flags |= MHD_USE_TLS;
		daemon_handle = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
						 MHD_OPTION_SOCK_ADDR, &sa,
						 MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
						 MHD_OPTION_CONNECTION_TIMEOUT, 120u,
						 MHD_OPTION_HTTPS_MEM_CERT, tls_cert,
						 MHD_OPTION_HTTPS_MEM_KEY, tls_key, MHD_OPTION_END);
	} else {
		daemon_handle = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
						 MHD_OPTION_SOCK_ADDR, &sa,
						 MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
						 MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_END);
	}
	if (!daemon_handle) {
		snprintf(err, errlen, "cannot listen on %s:%d", host, port);
		return -1;
	}
	info = MHD_get_daemon_info(daemon_handle, MHD_DAEMON_INFO_BIND_PORT);
	*bound_port = info ? info->port : port;
	return 0;
}

void sim_http_stop(void)
{
	if (daemon_handle)
		MHD_stop_daemon(daemon_handle);
	daemon_handle = NULL;
	free(tls_cert);
	free(tls_key);
	tls_cert = tls_key = NULL;
}
